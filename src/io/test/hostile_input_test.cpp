// Hostile and damaged files (input-safety issue): declared sizes refused before anything is
// allocated, truncated or inconsistent data refused, never segmented as a silent guess.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <vector>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <opencv2/imgcodecs.hpp>

#include "io/dicom.hpp"
#include "io/radiograph.hpp"
#include "io/test/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace xnet;

namespace {

cv::Mat gradient(int rows, int cols, double full_scale) {
  cv::Mat m(rows, cols, CV_32F);
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x) m.at<float>(y, x) = static_cast<float>(full_scale * (x + y) / (rows + cols));
  return m;
}

std::vector<char> bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const fs::path& file, const std::vector<char>& bytes) {
  std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void put_big_endian(std::vector<char>& bytes, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
}

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

// The error names the file and says `what`; it came fast and without a large allocation.
void expect_refused(const fs::path& file, const std::string& what, const ReadLimits& limits = {}) {
  const long rss_before = peak_rss_mb();
  const auto start = std::chrono::steady_clock::now();
  const std::string e = test::error_of([&] { read_radiograph(file, limits); });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(e.find(file.string()), std::string::npos) << e;
  EXPECT_NE(e.find(what), std::string::npos) << e;
  EXPECT_LT(peak_rss_mb() - rss_before, 200) << file;  // the bound: < 200 MB
  EXPECT_LT(seconds, 1.0) << file;                     // ... and within 1 s
}

}  // namespace

TEST(HostileInput, PngDeclaringTwentyThousandSquaredIsRefusedBeforeDecoding) {
  const fs::path file = test::scratch_dir() / "huge.png";
  ASSERT_TRUE(cv::imwrite(file.string(), cv::Mat(16, 16, CV_8U, cv::Scalar(7))));
  auto bytes = bytes_of(file);
  put_big_endian(bytes, 16, 20000);  // IHDR width and height (CRC left stale: no decoder gets to it)
  put_big_endian(bytes, 20, 20000);
  write_bytes(file, bytes);
  expect_refused(file, "declares 20000x20000 pixels, more than the limit of 100000000");
}

TEST(HostileInput, DicomDeclaringSixtyFiveThousandSquaredIsRefused) {
  const fs::path file = test::scratch_dir() / "huge.dcm";
  write_dicom(file, cv::Mat(32, 32, CV_16U, cv::Scalar(1000)), Photometric::monochrome2);
  DcmFileFormat format;
  ASSERT_TRUE(format.loadFile(file.c_str()).good());
  format.getDataset()->putAndInsertUint16(DCM_Rows, 65535);
  format.getDataset()->putAndInsertUint16(DCM_Columns, 65535);
  ASSERT_TRUE(format.saveFile(file.c_str(), EXS_LittleEndianExplicit).good());
  expect_refused(file, "declares 65535x65535 pixels");
}

TEST(HostileInput, PixelLimitIsTheCallersForEveryFormat) {
  const fs::path dir = test::scratch_dir();
  const cv::Mat pixels = gradient(40, 50, 200);
  write_radiograph_image(dir / "a.png", pixels, PixelDepth::u8);
  write_radiograph_image(dir / "a.tif", pixels, PixelDepth::u16);
  write_radiograph_image(dir / "a.jpg", pixels, PixelDepth::u8);
  cv::Mat stored;
  pixels.convertTo(stored, CV_16U);
  write_dicom(dir / "a.dcm", stored, Photometric::monochrome2);
  for (const char* name : {"a.png", "a.tif", "a.jpg", "a.dcm"}) {
    EXPECT_EQ(read_radiograph(dir / name, {2000}).pixels.size(), cv::Size(50, 40)) << name;
    expect_refused(dir / name, "declares 50x40 pixels, more than the limit of 1999", {1999});
  }
}

TEST(HostileInput, TruncatedRasterFilesAreErrors) {
  const fs::path dir = test::scratch_dir();
  const cv::Mat pixels = gradient(120, 160, 250);
  write_radiograph_image(dir / "cut.png", pixels, PixelDepth::u8);
  write_radiograph_image(dir / "cut.jpg", pixels, PixelDepth::u8);
  write_radiograph_image(dir / "cut.tif", pixels, PixelDepth::u16);
  for (const char* name : {"cut.png", "cut.jpg", "cut.tif"}) {
    ASSERT_NO_THROW(read_radiograph(dir / name)) << name;
    fs::resize_file(dir / name, fs::file_size(dir / name) / 2);
    expect_refused(dir / name, "truncated");
  }
}

TEST(HostileInput, JpegWhoseDataEndsAtAMarkerBeforeTheImageIsAnError) {
  // A JPEG cut in its entropy-coded data with its end marker put back: libjpeg only warns
  // ("premature end of data segment") and fills the rest with grey. Fuzzing found a 126-byte
  // such file declaring 34584x698 pixels, decoded whole from a few bytes.
  const fs::path file = test::scratch_dir() / "cut_with_end.jpg";
  write_radiograph_image(file, gradient(120, 160, 250), PixelDepth::u8);
  auto bytes = bytes_of(file);
  bytes.resize(bytes.size() / 2);
  bytes.push_back(0xFF);
  bytes.push_back(0xD9);  // EOI
  write_bytes(file, bytes);
  expect_refused(file, "ends before its image");
}

TEST(HostileInput, DicomPixelDataShorterThanRowsByColumnsIsAnError) {
  const fs::path file = test::scratch_dir() / "short.dcm";
  write_dicom(file, cv::Mat(100, 100, CV_16U, cv::Scalar(1000)), Photometric::monochrome2);
  DcmFileFormat format;
  ASSERT_TRUE(format.loadFile(file.c_str()).good());
  std::vector<Uint16> tenth(1000, 1000);
  format.getDataset()->putAndInsertUint16Array(DCM_PixelData, tenth.data(), tenth.size());
  ASSERT_TRUE(format.saveFile(file.c_str(), EXS_LittleEndianExplicit).good());
  expect_refused(file, "pixel data holds 2000 bytes, 20000 expected");
}

TEST(HostileInput, NonFiniteRescaleIsAnError) {
  const fs::path dir = test::scratch_dir();
  for (const char* value : {"NaN", "inf"}) {
    const fs::path file = dir / (std::string(value) + ".dcm");
    write_dicom(file, cv::Mat(8, 8, CV_16U, cv::Scalar(1000)), Photometric::monochrome2);
    DcmFileFormat format;
    ASSERT_TRUE(format.loadFile(file.c_str()).good());
    format.getDataset()->putAndInsertString(DCM_RescaleSlope, value);
    ASSERT_TRUE(format.saveFile(file.c_str(), EXS_LittleEndianExplicit).good());
    expect_refused(file, "not a finite number");
  }
}

TEST(HostileInput, NonFiniteFloatPixelsAreIgnoredAsNoSignal) {
  const fs::path file = test::scratch_dir() / "float.tif";
  cv::Mat pixels = gradient(20, 30, 1.0);
  pixels.at<float>(3, 4) = std::nanf("");
  pixels.at<float>(5, 6) = INFINITY;
  write_radiograph_image(file, pixels, PixelDepth::f32);
  const Radiograph r = read_radiograph(file);
  EXPECT_EQ(r.pixels.at<float>(3, 4), 0.0f);
  EXPECT_EQ(r.pixels.at<float>(5, 6), 0.0f);
  EXPECT_FLOAT_EQ(r.pixels.at<float>(7, 8), pixels.at<float>(7, 8));
  EXPECT_TRUE(cv::checkRange(r.pixels));
}

TEST(HostileInput, DicomPresentationIntentIsRead) {
  const fs::path dir = test::scratch_dir();
  const cv::Mat stored(8, 8, CV_16U, cv::Scalar(1000));
  write_dicom(dir / "processing.dcm", stored, Photometric::monochrome1, 1, 0, std::nullopt, 16,
              PresentationIntent::for_processing);
  write_dicom(dir / "presentation.dcm", stored, Photometric::monochrome2, 1, 0, std::nullopt, 12,
              PresentationIntent::for_presentation);
  write_dicom(dir / "capture.dcm", stored, Photometric::monochrome2);
  EXPECT_EQ(read_radiograph(dir / "processing.dcm").presentation_intent, PresentationIntent::for_processing);
  EXPECT_EQ(read_radiograph(dir / "presentation.dcm").presentation_intent, PresentationIntent::for_presentation);
  EXPECT_EQ(read_radiograph(dir / "capture.dcm").presentation_intent, PresentationIntent::unknown);
  // The SOP class alone says so too, as older modalities write it.
  DcmFileFormat format;
  ASSERT_TRUE(format.loadFile((dir / "presentation.dcm").c_str()).good());
  format.getDataset()->findAndDeleteElement(DCM_PresentationIntentType);
  ASSERT_TRUE(format.saveFile((dir / "sop_only.dcm").c_str(), EXS_LittleEndianExplicit).good());
  const Radiograph r = read_radiograph(dir / "sop_only.dcm");
  EXPECT_EQ(r.presentation_intent, PresentationIntent::for_presentation);
  EXPECT_NE(r.intent_evidence.find("SOP class"), std::string::npos) << r.intent_evidence;
}
