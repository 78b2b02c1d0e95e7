#include "preprocess/polarity.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "preprocess/test/phantom.hpp"

namespace fs = std::filesystem;
using namespace xnet;

namespace {

struct Scene {
  int size;
  bool collimator;
};

class PolarityOfPhantom : public ::testing::TestWithParam<Scene> {};

TEST_P(PolarityOfPhantom, RawAndDisplayRenderingsAreTold) {
  const Scene scene = GetParam();
  const cv::Mat attenuation = test::hand_attenuation(scene.size, scene.collimator);
  const cv::Mat raw = test::render_raw(attenuation, 20000.0, 7);
  EXPECT_EQ(detect_polarity_of_pixels(raw), Polarity::raw);
  EXPECT_EQ(detect_polarity_of_pixels(test::render_display(raw)),
            Polarity::display);
}

INSTANTIATE_TEST_SUITE_P(Scenes, PolarityOfPhantom,
                         ::testing::Values(Scene{200, false}, Scene{200, true},
                                           Scene{700, false}, Scene{700, true}),
                         [](const auto& info) {
                           return std::to_string(info.param.size) +
                                  (info.param.collimator ? "_collimated" : "_open");
                         });

TEST(Polarity, LowDoseRawIsStillRaw) {
  const cv::Mat raw = test::render_raw(test::hand_attenuation(300, true), 300.0, 3);
  EXPECT_EQ(detect_polarity_of_pixels(raw), Polarity::raw);
}

TEST(Polarity, DisplayWithBackgroundRemovedToBlack) {
  const cv::Mat attenuation = test::hand_attenuation(300, false);
  cv::Mat display = test::render_display(test::render_raw(attenuation, 20000.0, 5));
  display.setTo(0.0f, attenuation < 0.05f);
  EXPECT_EQ(detect_polarity_of_pixels(display), Polarity::display);
}

TEST(Polarity, InvertingAnImageInvertsTheVerdict) {
  const cv::Mat raw = test::render_raw(test::hand_attenuation(256, false), 20000.0, 9);
  EXPECT_EQ(detect_polarity_of_pixels(raw), Polarity::raw);
  EXPECT_EQ(detect_polarity_of_pixels(65535.0f - raw), Polarity::display);
}

TEST(Polarity, RealHandRadiographsAreDisplay) {
  const fs::path folder = fs::path(XNET_SHARED_DATA_DIR) / "real-unlabelled";
  if (!fs::is_directory(folder)) GTEST_SKIP() << folder << " not present";
  int seen = 0;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (!is_radiograph_file(entry.path())) continue;
    ++seen;
    EXPECT_EQ(decide_polarity(std::nullopt, read_radiograph(entry.path())).polarity, Polarity::display)
        << entry.path();
  }
  EXPECT_GT(seen, 0);
}

TEST(Polarity, ParsesAndFormats) {
  EXPECT_EQ(parse_polarity("auto"), std::nullopt);
  EXPECT_EQ(parse_polarity("raw"), Polarity::raw);
  EXPECT_EQ(parse_polarity("display"), Polarity::display);
  EXPECT_EQ(to_string(Polarity::raw), "raw");
  EXPECT_EQ(to_string(Polarity::display), "display");
  try {
    parse_polarity("inverted");
    FAIL() << "accepted 'inverted'";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("'inverted'"), std::string::npos) << e.what();
  }
}

TEST(Polarity, TheOptionThenTheFileThenThePixelsDecide) {
  const cv::Mat raw = test::render_raw(test::hand_attenuation(200, false), 20000.0, 7);
  const cv::Mat display = test::render_display(raw);
  // Never the depth: display pixels in a 16-bit file and raw pixels in an 8-bit one.
  for (const int depth : {8, 16, 32}) {
    const auto d = decide_polarity(std::nullopt, test::as_radiograph(display, depth));
    EXPECT_EQ(d.polarity, Polarity::display) << depth;
    EXPECT_EQ(d.source, PolaritySource::pixels);
    EXPECT_EQ(decide_polarity(std::nullopt, test::as_radiograph(raw, depth)).polarity, Polarity::raw) << depth;
  }
  Radiograph presentation = test::as_radiograph(raw, 16);
  presentation.presentation_intent = PresentationIntent::for_presentation;
  const auto stated = decide_polarity(std::nullopt, presentation);
  EXPECT_EQ(stated.polarity, Polarity::display);  // the file's word over the pixels'
  EXPECT_EQ(stated.source, PolaritySource::dicom);
  Radiograph processing = test::as_radiograph(display, 12);
  processing.presentation_intent = PresentationIntent::for_processing;
  EXPECT_EQ(decide_polarity(std::nullopt, processing).polarity, Polarity::raw);
  const auto option = decide_polarity(Polarity::raw, presentation);
  EXPECT_EQ(option.polarity, Polarity::raw);  // the user's over the file's
  EXPECT_EQ(option.source, PolaritySource::option);
  EXPECT_EQ(to_string(PolaritySource::dicom), "dicom");
}

TEST(Polarity, EmptyImageNamesTheFile) {
  Radiograph r;
  r.pixels = cv::Mat(0, 0, CV_32FC1);
  r.source = "empty.png";
  try {
    decide_polarity(std::nullopt, r);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("empty.png"), std::string::npos) << e.what();
  }
}

}  // namespace
