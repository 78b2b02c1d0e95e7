// The Segmenter at full resolution on hand-made radiographs with a tiny untrained network:
// sizes, probabilities, polarity and the collimator field in input coordinates.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "predict/segmenter.hpp"
#include "predict_fixture.hpp"

namespace fs = std::filesystem;

namespace xnet {
namespace {

Radiograph radiograph_of(const cv::Mat& pixels16, const std::string& name) {
  Radiograph r;
  pixels16.convertTo(r.pixels, CV_32F);
  r.source = name;
  r.bit_depth = 16;
  r.full_scale = 65535.0;
  return r;
}

class SegmenterTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::fresh_folder("segmenter"); }
  void TearDown() override { fs::remove_all(dir_); }
  SegmenterOptions options() const {
    SegmenterOptions o;
    o.device = "cpu";
    o.threads = 1;
    return o;
  }
  fs::path dir_;
};

TEST_F(SegmenterTest, OutputsHaveTheInputsOddSize) {
  const Segmenter segmenter(test::write_tiny_model(dir_), options());
  const cv::Size size(301, 173);
  const auto s = segmenter.segment(radiograph_of(test::raw_phantom(size), "odd.png"));
  EXPECT_EQ(s.labels.size(), size);
  EXPECT_EQ(s.labels.type(), CV_8UC1);
  ASSERT_EQ(s.probabilities.size(), 3u);
  cv::Mat sum = cv::Mat::zeros(size, CV_32F);
  for (const auto& p : s.probabilities) {
    EXPECT_EQ(p.size(), size);
    sum += p;
  }
  double lo, hi;
  cv::minMaxLoc(sum, &lo, &hi);
  EXPECT_NEAR(lo, 1.0, 1e-4);
  EXPECT_NEAR(hi, 1.0, 1e-4);
  double max_label;
  cv::minMaxLoc(s.labels, nullptr, &max_label);
  EXPECT_LE(max_label, 3);
}

TEST_F(SegmenterTest, NetworkOnlyIsTheArgmaxOfTheUpsampledProbabilities) {
  auto o = options();
  o.network_only = true;
  const Segmenter segmenter(test::write_tiny_model(dir_), o);
  const auto s = segmenter.segment(radiograph_of(test::raw_phantom({97, 131}), "argmax.png"));
  int disagreements = 0;
  for (int y = 0; y < s.labels.rows; ++y)
    for (int x = 0; x < s.labels.cols; ++x) {
      int best = 0;
      for (int c = 1; c < 3; ++c)
        if (s.probabilities[c].at<float>(y, x) > s.probabilities[best].at<float>(y, x)) best = c;
      disagreements += s.labels.at<std::uint8_t>(y, x) != best;
    }
  EXPECT_EQ(disagreements, 0);
}

TEST_F(SegmenterTest, ThresholdOverrideWinsOverTheModelDefault) {
  auto o = options();
  o.soft_tissue_threshold = 0.93;
  const Segmenter segmenter(test::write_tiny_model(dir_), o);
  EXPECT_DOUBLE_EQ(segmenter.soft_tissue_threshold("hand"), 0.93);
  const auto s = segmenter.segment(radiograph_of(test::raw_phantom({64, 64}), "t.png"));
  EXPECT_DOUBLE_EQ(s.soft_tissue_threshold, 0.93);
  // Soft tissue only where its probability is above the threshold.
  const cv::Mat soft = s.labels == 1;
  const cv::Mat low = s.probabilities[1] <= 0.93;
  EXPECT_EQ(cv::countNonZero(soft & low), 0);
}

TEST_F(SegmenterTest, PolarityOfRawAndDisplayImages) {
  const Segmenter segmenter(test::write_tiny_model(dir_), options());
  const cv::Mat raw = test::raw_phantom({200, 160});
  // A display image is the inverted picture stored in 8 bits, as viewers' files are.
  cv::Mat display;
  cv::subtract(cv::Scalar(65535), raw, display);
  Radiograph display8 = radiograph_of(display, "display.png");
  display8.pixels *= 255.0 / 65535.0;
  display8.bit_depth = 8;
  display8.full_scale = 255.0;
  EXPECT_EQ(segmenter.segment(radiograph_of(raw, "raw.png")).polarity, Polarity::raw);
  EXPECT_EQ(segmenter.segment(display8).polarity, Polarity::display);
}

TEST_F(SegmenterTest, CollimatorFieldInInputCoordinates) {
  // Polarity given: this phantom's anatomy is one ellipse and one bar, so the four corners of
  // its collimated field outvote it in detect_polarity (documented in preprocess/polarity.hpp);
  // the subject here is the field's geometry in input pixels.
  auto o = options();
  o.polarity = "raw";
  const Segmenter segmenter(test::write_tiny_model(dir_), o);
  const cv::Size size(301, 173);
  const int inset = 30;
  const auto s = segmenter.segment(radiograph_of(test::raw_phantom(size, inset), "collimated.png"));
  ASSERT_TRUE(s.field.present);
  ASSERT_GE(s.field.polygon.size(), 4u);
  // Every vertex lies on the true field's border, in input pixels (not the network's 64 px).
  for (const auto& p : s.field.polygon) {
    const bool on_x_edge = std::abs(p.x - inset) < 4 || std::abs(p.x - (size.width - inset)) < 4;
    const bool on_y_edge = std::abs(p.y - inset) < 4 || std::abs(p.y - (size.height - inset)) < 4;
    EXPECT_TRUE(on_x_edge && on_y_edge) << p.x << "," << p.y;
  }
  // Outside the field the label is collimator; well inside it never is.
  EXPECT_EQ(s.labels.at<std::uint8_t>(5, 5), 3);
  EXPECT_EQ(s.labels.at<std::uint8_t>(size.height - 5, size.width - 5), 3);
  EXPECT_NE(s.labels.at<std::uint8_t>(size.height / 2, size.width / 2), 3);
}

TEST_F(SegmenterTest, NoCollimatorMeansTheWholeImage) {
  const Segmenter segmenter(test::write_tiny_model(dir_), options());
  const cv::Size size(120, 90);
  const auto s = segmenter.segment(radiograph_of(test::raw_phantom(size), "open.png"));
  EXPECT_FALSE(s.field.present);
  EXPECT_EQ(cv::countNonZero(s.labels == 3), 0);
  ASSERT_FALSE(s.field.polygon.empty());
  EXPECT_NEAR(cv::contourArea(s.field.polygon), size.area(), 0.02 * size.area());
}

// One image's options (a request of `xnet serve`) win over the segmenter's for that image only.
TEST_F(SegmenterTest, AnImagesOwnThresholdAndPolarityOverrideTheOptions) {
  const Segmenter segmenter(test::write_tiny_model(dir_), options());
  const auto r = radiograph_of(test::raw_phantom({160, 120}), "image.png");
  ImageOptions image;
  image.soft_tissue_threshold = 1.0;  // p > 1 nowhere: no soft tissue
  image.polarity = "display";
  const auto asked = segmenter.segment(r, image);
  EXPECT_DOUBLE_EQ(asked.soft_tissue_threshold, 1.0);
  EXPECT_EQ(cv::countNonZero(asked.labels == 1), 0);
  EXPECT_EQ(asked.polarity, Polarity::display);
  EXPECT_EQ(asked.polarity_source, PolaritySource::option);
  image.soft_tissue_threshold = 0.0;
  EXPECT_GT(cv::countNonZero(segmenter.segment(r, image).labels == 1), 0);
  const auto plain = segmenter.segment(r);  // the options' rules again
  EXPECT_DOUBLE_EQ(plain.soft_tissue_threshold, segmenter.soft_tissue_threshold(""));
  EXPECT_EQ(plain.polarity_source, PolaritySource::pixels);
}

}  // namespace
}  // namespace xnet
