// `xnet predict` as a user runs it: files and folders in, mask, overlay, JSON (and optional
// probabilities) out at full resolution; a corrupt file reported while the others are written.
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "engine/engine_choice.hpp"
#include "engine/onednn_network.hpp"
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "core/labels.hpp"
#include "io/dicom.hpp"
#include "io/radiograph.hpp"
#include "predict_fixture.hpp"

namespace fs = std::filesystem;

namespace xnet {
namespace {

class PredictCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_folder("batch");
    model_ = test::write_tiny_model(dir_);
    fs::create_directories(dir_ / "in");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write_image(const std::string& name, cv::Size size) {
    const fs::path file = dir_ / "in" / name;
    cv::imwrite(file.string(), test::raw_phantom(size));
    return file;
  }
  std::string predict(const std::string& inputs, const std::string& extra = "") {
    return model_.string() + " " + inputs + " --out " + (dir_ / "out").string() + " --threads 1 --device cpu " + extra;
  }
  nlohmann::json summary(const std::string& stem) {
    std::ifstream in(dir_ / "out" / (stem + ".json"));
    return nlohmann::json::parse(in);
  }
  static cv::Mat read_mask(const fs::path& out, const std::string& stem) {
    return cv::imread((out / (stem + "_mask.png")).string(), cv::IMREAD_UNCHANGED);
  }
  fs::path dir_, model_;
};

TEST_F(PredictCommandTest, WritesFullResolutionOutputsAndSummary) {
  write_image("odd.png", {301, 173});
  write_image("tall.tif", {57, 211});
  const auto r = test::run("predict " + predict((dir_ / "in").string(), "--save-probabilities"));
  ASSERT_EQ(r.status, 0) << r.output;
  for (const auto& [stem, size] : {std::pair{"odd", cv::Size(301, 173)}, std::pair{"tall", cv::Size(57, 211)}}) {
    const cv::Mat mask = cv::imread((dir_ / "out" / (std::string(stem) + "_mask.png")).string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(mask.type(), CV_8UC1) << stem;
    EXPECT_EQ(mask.size(), size);
    const cv::Mat overlay = cv::imread((dir_ / "out" / (std::string(stem) + "_overlay.png")).string(), cv::IMREAD_UNCHANGED);
    EXPECT_EQ(overlay.size(), size);
    EXPECT_EQ(overlay.type(), CV_8UC3);
    const cv::Mat p = cv::imread((dir_ / "out" / (std::string(stem) + "_probabilities.tif")).string(), cv::IMREAD_UNCHANGED);
    EXPECT_EQ(p.size(), size);
    EXPECT_EQ(p.type(), CV_16UC3);

    const auto j = summary(stem);
    EXPECT_EQ(j["width"], size.width);
    EXPECT_EQ(j["height"], size.height);
    EXPECT_TRUE(j["seconds"].is_number());
    EXPECT_TRUE(j["collimator"]["present"].is_boolean());
    EXPECT_GE(j["collimator"]["polygon"].size(), 3u);
    double sum = 0;
    for (const char* name : {"open_beam", "soft_tissue", "bone", "collimator"}) {
      ASSERT_TRUE(j["fractions"].contains(name)) << name;
      sum += j["fractions"][name].get<double>();
    }
    EXPECT_NEAR(sum, 1.0, 1e-9);
    // The fractions are the mask's.
    EXPECT_NEAR(j["fractions"]["bone"].get<double>(), cv::countNonZero(mask == 2) / double(mask.total()), 1e-9);
  }
}

TEST_F(PredictCommandTest, CorruptFileIsReportedAndTheOthersAreWritten) {
  write_image("a.png", {80, 60});
  const fs::path bad = dir_ / "in" / "b.png";
  std::ofstream(bad) << "not a png at all";
  write_image("c.png", {70, 90});
  const auto r = test::run("predict " + predict((dir_ / "in").string()));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("xnet: error: " + bad.string()), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "a_mask.png"));
  EXPECT_TRUE(fs::exists(dir_ / "out" / "c.json"));
  EXPECT_FALSE(fs::exists(dir_ / "out" / "b_mask.png"));
  EXPECT_FALSE(fs::exists(dir_ / "out" / "b.json"));
  // Nothing half-written: only finished outputs in the folder.
  for (const auto& entry : fs::directory_iterator(dir_ / "out"))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
}

// Several images segmented side by side (each worker on its own thread) must give exactly
// what one worker gives, and still report the corrupt file and write the others.
TEST_F(PredictCommandTest, SideBySideWorkersGiveTheSameOutputs) {
  const std::vector<std::pair<std::string, cv::Size>> images = {
      {"a", {80, 60}}, {"b", {123, 77}}, {"c", {64, 64}}, {"d", {45, 99}}, {"e", {150, 110}}};
  for (const auto& [stem, size] : images) write_image(stem + ".png", size);
  std::ofstream(dir_ / "in" / "corrupt.png") << "not a png at all";
  std::map<std::string, cv::Mat> masks[2];
  int run = 0;
  for (const std::string threads : {"--threads 1 --workers 1", "--threads 3 --workers 3"}) {
    const fs::path out = dir_ / ("out" + std::to_string(run));
    const auto r = test::run("predict " + model_.string() + " " + (dir_ / "in").string() + " --out " + out.string() +
                             " --device cpu " + threads);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("corrupt.png"), std::string::npos) << r.output;
    for (const auto& [stem, size] : images) {
      masks[run][stem] = cv::imread((out / (stem + "_mask.png")).string(), cv::IMREAD_UNCHANGED);
      ASSERT_EQ(masks[run][stem].size(), size) << threads << " " << stem;
      EXPECT_TRUE(fs::exists(out / (stem + "_overlay.png")));
      EXPECT_TRUE(fs::exists(out / (stem + ".json")));
    }
    ++run;
  }
  for (const auto& [stem, size] : images) EXPECT_EQ(cv::countNonZero(masks[0][stem] != masks[1][stem]), 0) << stem;
}

// A DICOM copy of a 16-bit image, stored as MONOCHROME1 (inverted stored values) or
// MONOCHROME2, must be segmented exactly like the original (issue 7's check).
TEST_F(PredictCommandTest, DicomMonochrome1And2CopiesGiveTheOriginalsMasks) {
  const cv::Mat original = test::raw_phantom({97, 83}, 12);
  ASSERT_EQ(original.type(), CV_16UC1);
  cv::imwrite((dir_ / "in" / "original.png").string(), original);
  write_dicom(dir_ / "in" / "mono1.dcm", 65535 - original, Photometric::monochrome1);
  write_dicom(dir_ / "in" / "mono2.dcm", original, Photometric::monochrome2);
  const auto r = test::run("predict " + predict((dir_ / "in").string()));
  ASSERT_EQ(r.status, 0) << r.output;
  const auto mask = [&](const std::string& stem) {
    return cv::imread((dir_ / "out" / (stem + "_mask.png")).string(), cv::IMREAD_UNCHANGED);
  };
  const cv::Mat expected = mask("original");
  ASSERT_FALSE(expected.empty());
  for (const std::string stem : {"mono1", "mono2"}) {
    const cv::Mat got = mask(stem);
    ASSERT_EQ(got.size(), expected.size()) << stem;
    EXPECT_EQ(cv::countNonZero(got != expected), 0) << stem;
    EXPECT_EQ(summary(stem)["polarity"], summary("original")["polarity"]) << stem;
    EXPECT_EQ(summary(stem)["collimator"], summary("original")["collimator"]) << stem;
  }
}

TEST_F(PredictCommandTest, DicomShutterRecordsTheFoundField) {
  // --dicom-shutter: a copy of a collimated DICOM input with the field as its polygonal
  // Display Shutter (1-based row\column vertices of the JSON's polygon), same pixels, new SOP
  // Instance UID; inputs that are not DICOM, or have no collimator, get none.
  const cv::Mat collimated = test::raw_phantom({97, 83}, 12);
  write_dicom(dir_ / "in" / "collimated.dcm", collimated, Photometric::monochrome2);
  write_dicom(dir_ / "in" / "open.dcm", test::raw_phantom({97, 83}), Photometric::monochrome2);
  cv::imwrite((dir_ / "in" / "plain.png").string(), collimated);
  const auto r = test::run("predict " + predict((dir_ / "in").string(), "--dicom-shutter"));
  ASSERT_EQ(r.status, 0) << r.output;
  const auto collimator = summary("collimated")["collimator"];
  ASSERT_TRUE(collimator["present"].get<bool>()) << collimator;
  const fs::path shutter = dir_ / "out" / "collimated_shutter.dcm";
  DcmFileFormat copy, source;
  ASSERT_TRUE(copy.loadFile(shutter.c_str()).good()) << shutter;
  ASSERT_TRUE(source.loadFile((dir_ / "in" / "collimated.dcm").c_str()).good());
  OFString shape, uid, source_uid;
  copy.getDataset()->findAndGetOFString(DCM_ShutterShape, shape);
  EXPECT_EQ(std::string(shape.c_str()), "POLYGONAL");
  const auto& polygon = collimator["polygon"];
  for (std::size_t i = 0; i < polygon.size(); ++i) {
    Sint32 row = 0, col = 0;
    ASSERT_TRUE(copy.getDataset()->findAndGetSint32(DCM_VerticesOfThePolygonalShutter, row, 2 * i).good());
    ASSERT_TRUE(copy.getDataset()->findAndGetSint32(DCM_VerticesOfThePolygonalShutter, col, 2 * i + 1).good());
    EXPECT_NEAR(row, polygon[i][1].get<double>() + 1, 0.5 + 1e-6) << i;
    EXPECT_NEAR(col, polygon[i][0].get<double>() + 1, 0.5 + 1e-6) << i;
  }
  Sint32 beyond = 0;
  EXPECT_TRUE(copy.getDataset()->findAndGetSint32(DCM_VerticesOfThePolygonalShutter, beyond, 2 * polygon.size()).bad());
  copy.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid);
  source.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, source_uid);
  EXPECT_NE(uid, source_uid);
  EXPECT_EQ(cv::norm(read_radiograph(shutter).pixels, read_radiograph(dir_ / "in" / "collimated.dcm").pixels,
                     cv::NORM_INF), 0.0);
  EXPECT_FALSE(summary("open")["collimator"]["present"].get<bool>());
  EXPECT_FALSE(fs::exists(dir_ / "out" / "open_shutter.dcm"));
  EXPECT_FALSE(fs::exists(dir_ / "out" / "plain_shutter.dcm"));
  // Its own outputs are never inputs: a second run into a sub-folder skips the copy.
  const auto again = test::run("predict " + model_.string() + " " + (dir_ / "out").string() + " --out " +
                               (dir_ / "out" / "again").string() + " --threads 1 --device cpu");
  EXPECT_FALSE(fs::exists(dir_ / "out" / "again" / "collimated_shutter_mask.png")) << again.output;
}

// --dicom-seg: a DICOM Segmentation object per DICOM input, of the source's study in a series
// of its own, deriving from the source image, one bit-packed frame per class that holds
// exactly the mask's pixels of that class; dciodvfy (dicom3tools) finds no error in it.
TEST_F(PredictCommandTest, DicomSegmentationHoldsTheMaskAndReferencesItsSource) {
  const fs::path source = dir_ / "in" / "collimated.dcm";
  write_dicom(source, test::raw_phantom({97, 83}, 12), Photometric::monochrome2, 1.0, 0.0,
              std::array<double, 2>{0.15, 0.15}, 16, PresentationIntent::for_processing);
  cv::imwrite((dir_ / "in" / "plain.png").string(), test::raw_phantom({97, 83}));
  const auto r = test::run("predict " + predict((dir_ / "in").string(), "--dicom-seg"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "out" / "plain_seg.dcm"));
  const fs::path file = dir_ / "out" / "collimated_seg.dcm";
  const cv::Mat labels = cv::imread((dir_ / "out" / "collimated_mask.png").string(), cv::IMREAD_UNCHANGED);
  ASSERT_FALSE(labels.empty());
  ASSERT_GT(cv::countNonZero(labels == label::collimator), 0) << "the phantom is collimated";

  DcmFileFormat seg_file, source_file;
  ASSERT_TRUE(seg_file.loadFile(file.c_str()).good()) << file;
  ASSERT_TRUE(source_file.loadFile(source.c_str()).good());
  DcmDataset& seg = *seg_file.getDataset();
  DcmDataset& image = *source_file.getDataset();
  const auto text = [](DcmItem& item, const DcmTagKey& tag) {
    OFString value;
    item.findAndGetOFStringArray(tag, value);
    return std::string(value.c_str());
  };
  EXPECT_EQ(text(seg, DCM_SOPClassUID), UID_SegmentationStorage);
  EXPECT_EQ(text(seg, DCM_Modality), "SEG");
  EXPECT_EQ(text(seg, DCM_StudyInstanceUID), text(image, DCM_StudyInstanceUID));
  EXPECT_EQ(text(seg, DCM_PatientID), text(image, DCM_PatientID));
  EXPECT_NE(text(seg, DCM_SeriesInstanceUID), text(image, DCM_SeriesInstanceUID));
  EXPECT_EQ(text(seg, DCM_SegmentationType), "BINARY");
  std::string version = test::run("--version").output;
  version.erase(version.find_last_not_of(" \n") + 1);
  EXPECT_NE(version.find(text(seg, DCM_SoftwareVersions)), std::string::npos) << version;
  EXPECT_FALSE(text(seg, DCM_SoftwareVersions).empty());
  DcmItem* source_item = nullptr;
  ASSERT_TRUE(seg.findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, source_item).good());
  ASSERT_TRUE(source_item->findAndGetSequenceItem(DCM_DerivationImageSequence, source_item).good());
  ASSERT_TRUE(source_item->findAndGetSequenceItem(DCM_SourceImageSequence, source_item).good());
  EXPECT_EQ(text(*source_item, DCM_ReferencedSOPInstanceUID), text(image, DCM_SOPInstanceUID));
  EXPECT_EQ(text(*source_item, DCM_ReferencedSOPClassUID), text(image, DCM_SOPClassUID));

  // One segment per class, in label order, coded, named by the algorithm.
  Uint16 rows = 0, columns = 0;
  seg.findAndGetUint16(DCM_Rows, rows);
  seg.findAndGetUint16(DCM_Columns, columns);
  ASSERT_EQ(cv::Size(columns, rows), labels.size());
  const std::vector<std::string> names = {"open beam", "soft tissue", "bone", "collimator"};
  const std::vector<std::string> types = {"112143", "87784001", "3138006", "COLLIMATED"};
  for (int l = 0; l < 4; ++l) {
    DcmItem* segment = nullptr;
    ASSERT_TRUE(seg.findAndGetSequenceItem(DCM_SegmentSequence, segment, l).good()) << l;
    EXPECT_EQ(text(*segment, DCM_SegmentLabel), names[l]);
    EXPECT_EQ(text(*segment, DCM_SegmentAlgorithmName), "xnet");
    DcmItem* type = nullptr;
    ASSERT_TRUE(segment->findAndGetSequenceItem(DCM_SegmentedPropertyTypeCodeSequence, type).good());
    EXPECT_EQ(text(*type, DCM_CodeValue), types[l]);
    DcmItem* algorithm = nullptr;
    ASSERT_TRUE(segment->findAndGetSequenceItem(DCM_SegmentationAlgorithmIdentificationSequence, algorithm).good());
    EXPECT_NE(text(*algorithm, DCM_AlgorithmParameters).find(model_.filename().string()), std::string::npos);
  }
  DcmItem* beyond = nullptr;
  EXPECT_TRUE(seg.findAndGetSequenceItem(DCM_SegmentSequence, beyond, 4).bad());

  // The frames, bit-packed one after another (PS3.5 8.1.1: first pixel in the lowest bit).
  const Uint8* bits = nullptr;
  unsigned long length = 0;
  ASSERT_TRUE(seg.findAndGetUint8Array(DCM_PixelData, bits, &length).good());
  const std::size_t pixels = labels.total();
  ASSERT_GE(length * 8, 4 * pixels);
  for (int l = 0; l < 4; ++l) {
    const cv::Mat expected = labels == l;
    int wrong = 0;
    for (std::size_t i = 0; i < pixels; ++i) {
      const std::size_t bit = l * pixels + i;
      wrong += ((bits[bit / 8] >> (bit % 8)) & 1) != (expected.data[i] != 0);
    }
    EXPECT_EQ(wrong, 0) << names[l];
  }

  if (std::system("command -v dciodvfy > /dev/null 2>&1") != 0) GTEST_SKIP() << "dciodvfy (dicom3tools) absent";
  const auto verified = test::run_program("dciodvfy", file.string());
  EXPECT_EQ(verified.output.find("Error"), std::string::npos) << verified.output;
}

// DICOM copies as modalities write them (input-safety issue): the presentation intent decides
// the polarity ("polarity_source": "dicom"), and each copy is segmented like its original.
TEST_F(PredictCommandTest, DigitalXRayCopiesDecideByTheirIntentAndMatchTheirOriginals) {
  const cv::Mat raw = test::raw_phantom({97, 83}, 12);  // collimated
  const cv::Mat display = 65535 - raw;  // bone bright, open beam dark
  cv::Mat display12;
  display.convertTo(display12, CV_16U, 4095.0 / 65535.0);
  cv::imwrite((dir_ / "in" / "raw.png").string(), raw);
  cv::imwrite((dir_ / "in" / "display.tif").string(), display);
  write_dicom(dir_ / "in" / "processing_m1.dcm", 65535 - raw, Photometric::monochrome1, 1, 0, std::nullopt, 16,
              PresentationIntent::for_processing);
  write_dicom(dir_ / "in" / "presentation_m2.dcm", display12, Photometric::monochrome2, 1, 0, std::nullopt, 12,
              PresentationIntent::for_presentation);
  write_dicom(dir_ / "in" / "presentation_m1.dcm", 65535 - display, Photometric::monochrome1, 1, 0, std::nullopt, 16,
              PresentationIntent::for_presentation);
  const auto r = test::run("predict " + predict((dir_ / "in").string()));
  ASSERT_EQ(r.status, 0) << r.output;
  const auto mask = [&](const std::string& stem) {
    return cv::imread((dir_ / "out" / (stem + "_mask.png")).string(), cv::IMREAD_UNCHANGED);
  };
  EXPECT_EQ(summary("raw")["polarity"], "raw");
  EXPECT_EQ(summary("display")["polarity"], "display");
  EXPECT_EQ(summary("raw")["polarity_source"], "pixels");
  for (const auto& [copy, original] : {std::pair<std::string, std::string>{"processing_m1", "raw"},
                                       {"presentation_m2", "display"}, {"presentation_m1", "display"}}) {
    EXPECT_EQ(summary(copy)["polarity"], original) << copy;
    EXPECT_EQ(summary(copy)["polarity_source"], "dicom") << copy;
    const cv::Mat got = mask(copy), expected = mask(original);
    ASSERT_EQ(got.size(), expected.size()) << copy;
    EXPECT_LE(cv::countNonZero(got != expected), static_cast<int>(got.total() / 100)) << copy;  // >= 99 % agree
  }
  const auto forced = test::run("predict " + model_.string() + " " + (dir_ / "in" / "raw.png").string() + " --out " +
                                (dir_ / "forced").string() + " --threads 1 --device cpu --polarity display");
  ASSERT_EQ(forced.status, 0) << forced.output;
  std::ifstream json(dir_ / "forced" / "raw.json");
  const auto forced_summary = nlohmann::json::parse(json);
  EXPECT_EQ(forced_summary["polarity"], "display");
  EXPECT_EQ(forced_summary["polarity_source"], "option");
}

// An output that would land on an input is refused before anything is read or written.
TEST_F(PredictCommandTest, AnOutputPathThatIsAnInputIsRefused) {
  write_image("a.png", {64, 48});
  const fs::path victim = write_image("a_mask.png", {64, 48});  // a radiograph that happens to be named so
  const auto before = fs::last_write_time(victim);
  const auto r = test::run("predict " + model_.string() + " " + (dir_ / "in").string() + " --out " +
                           (dir_ / "in").string() + " --threads 1 --device cpu");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("a_mask.png: is an input"), std::string::npos) << r.output;
  EXPECT_EQ(fs::last_write_time(victim), before);
  EXPECT_FALSE(fs::exists(dir_ / "in" / "a.json"));
}

// Predicting a folder into a sub-folder of itself, twice: the second run segments the same
// radiographs, not the first run's masks and overlays.
TEST_F(PredictCommandTest, OwnOutputsAreNeverTakenAsInputs) {
  write_image("a.png", {64, 48});
  write_image("b.tif", {40, 56});
  const std::string command = "predict " + model_.string() + " " + (dir_ / "in").string() + " --out " +
                              (dir_ / "in" / "pred").string() + " --threads 1 --device cpu";
  for (int run = 0; run < 2; ++run) {
    const auto r = test::run(command);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("2 written, 0 failed"), std::string::npos) << "run " << run << ": " << r.output;
  }
  EXPECT_FALSE(fs::exists(dir_ / "in" / "pred" / "a_mask_mask.png"));
  EXPECT_FALSE(fs::exists(dir_ / "in" / "pred" / "pred"));
}

// A failed image leaves none of its outputs (an older set included) and is counted as failed;
// the other images are written.
TEST_F(PredictCommandTest, AFailedImageLeavesNoneOfItsOutputs) {
  write_image("a.png", {64, 48});
  write_image("b.png", {40, 56});
  ASSERT_EQ(test::run("predict " + predict((dir_ / "in").string())).status, 0);
  fs::remove(dir_ / "out" / "b_overlay.png");
  fs::create_directories(dir_ / "out" / "b_overlay.png" / "in-the-way");  // b's overlay cannot be written
  const auto r = test::run("predict " + predict((dir_ / "in").string()));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("1 written, 1 failed"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("b_overlay.png"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "out" / "b_mask.png"));
  EXPECT_FALSE(fs::exists(dir_ / "out" / "b.json"));
  EXPECT_TRUE(fs::exists(dir_ / "out" / "a.json"));
  for (const auto& entry : fs::directory_iterator(dir_ / "out"))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
}

// The model loads on another thread while the first images are read: a model that cannot be
// loaded must still stop the run with its own error, and leave no output folder behind.
TEST_F(PredictCommandTest, UnreadableModelStopsTheRunAndWritesNothing) {
  write_image("a.png", {80, 60});
  write_image("b.png", {64, 64});
  const fs::path broken = dir_ / "broken.pt";
  std::ofstream(broken) << "not a model";
  const auto r = test::run("predict " + broken.string() + " " + (dir_ / "in").string() + " --out " +
                           (dir_ / "out").string() + " --threads 2 --device cpu");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find(broken.string() + ": not an xnet model file"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

// `xnet` runs an XNet whose widths suit oneDNN's channel blocks itself, without LibTorch, and
// hands any other model to xnet-torch: both write the same masks.
TEST_F(PredictCommandTest, OneDnnAndLibTorchWriteTheSameMasks) {
  write_image("a.png", {301, 173});
  write_image("b.tif", {96, 128});
  fs::create_directories(dir_ / "blocked");
  const auto model = test::write_tiny_model(dir_ / "blocked", 3, engine::onednn_channel_block(), 64);
  const std::string in = (dir_ / "in").string();
  const std::string fp32 = " --threads 2 --device cpu --precision fp32";
  const auto onednn = test::run("predict " + model.string() + " " + in + " --out " + (dir_ / "a").string() + fp32);
  ASSERT_EQ(onednn.status, 0) << onednn.output;
  EXPECT_NE(onednn.output.find("network on oneDNN fp32"), std::string::npos) << onednn.output;
  // The launcher hands the run to xnet-torch when the choice is LibTorch's.
  const auto torch = test::run("predict " + model.string() + " " + in + " --out " + (dir_ / "b").string() + fp32 +
                               " --engine libtorch");
  ASSERT_EQ(torch.status, 0) << torch.output;
  EXPECT_NE(torch.output.find("network on LibTorch fp32"), std::string::npos) << torch.output;
  for (const char* stem : {"a", "b"}) {
    const cv::Mat a = read_mask(dir_ / "a", stem), b = read_mask(dir_ / "b", stem);
    ASSERT_EQ(a.size(), b.size()) << stem;
    // Float rounding differs between the two (folding, phase kernels, summation order): only
    // a pixel at an exact tie could flip.
    EXPECT_LE(cv::countNonZero(a != b), static_cast<int>(a.total() / 1000)) << stem;
  }
  // Base 4 is not a multiple of the channel block: the same command goes to LibTorch.
  const auto other = test::run("predict " + predict(in) + " --precision fp32");
  ASSERT_EQ(other.status, 0) << other.output;
  EXPECT_NE(other.output.find("network on LibTorch fp32"), std::string::npos) << other.output;
  // oneDNN asked for a network it does not run is a usage error, not a silent switch.
  const auto refused = test::run("predict " + predict(in) + " --engine onednn");
  EXPECT_EQ(refused.status, 2) << refused.output;
  EXPECT_NE(refused.output.find("base filters"), std::string::npos) << refused.output;
}

TEST_F(PredictCommandTest, Bf16WhereTheCpuHasItAgreesWithFp32) {
  if (!engine::cpu_features().native_bf16()) GTEST_SKIP() << "no native bf16 on this CPU (" << engine::cpu_features().isa() << ")";
  write_image("a.png", {301, 173});
  write_image("b.tif", {96, 128});
  fs::create_directories(dir_ / "blocked");
  const auto model = test::write_tiny_model(dir_ / "blocked", 3, engine::onednn_channel_block(), 64);
  const std::string in = (dir_ / "in").string();
  const auto bf16 = test::run("predict " + model.string() + " " + in + " --out " + (dir_ / "a").string() +
                              " --threads 2 --device cpu --precision bf16");
  ASSERT_EQ(bf16.status, 0) << bf16.output;
  EXPECT_NE(bf16.output.find("network on LibTorch bf16"), std::string::npos) << bf16.output;
  // Two images: auto keeps oneDNN's fp32 rather than start LibTorch for bf16.
  const auto fp32 = test::run("predict " + model.string() + " " + in + " --out " + (dir_ / "b").string() +
                              " --threads 2 --device cpu");
  ASSERT_EQ(fp32.status, 0) << fp32.output;
  EXPECT_NE(fp32.output.find("network on oneDNN fp32"), std::string::npos) << fp32.output;
  for (const char* stem : {"a", "b"}) {
    const cv::Mat a = read_mask(dir_ / "a", stem), b = read_mask(dir_ / "b", stem);
    ASSERT_EQ(a.size(), b.size()) << stem;
    // bf16 keeps 8 bits of mantissa: pixels near a class boundary may flip (issue 20: >= 99.9 %
    // agreement on hold-out images; an untrained network's logits are closer together).
    EXPECT_LE(cv::countNonZero(a != b), static_cast<int>(a.total() / 100)) << stem;
  }
}

TEST_F(PredictCommandTest, MissingInputIsAnErrorNamingIt) {
  const auto r = test::run("predict " + predict((dir_ / "nowhere.png").string()));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("nowhere.png"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace xnet
