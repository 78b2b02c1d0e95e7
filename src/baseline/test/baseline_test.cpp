// The classical baseline and the robustness measurements: on generated radiographs of every
// category, and on hand-made maps whose answers are known (the commands: cli/test).
#include <gtest/gtest.h>

#include <cmath>

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "baseline/classical_segmentation.hpp"
#include "baseline/robustness.hpp"
#include "core/error.hpp"
#include "core/labels.hpp"
#include "metrics/confusion.hpp"
#include "synth/anatomy.hpp"
#include "synth/generator.hpp"

namespace fs = std::filesystem;
using namespace xnet;

namespace {

Radiograph radiograph_of(const synth::SyntheticImage& im) {
  Radiograph r;
  r.pixels = im.pixels;
  r.bit_depth = im.display ? 8 : 16;
  r.full_scale = im.display ? 255 : 65535;
  return r;
}

// Weighted F1 of `labels` against `truth` over the classes 0-2 (255 and 3 left out).
double weighted_f1(const cv::Mat& truth, const cv::Mat& labels) {
  metrics::ConfusionMatrix confusion(4);
  for (int y = 0; y < truth.rows; ++y)
    for (int x = 0; x < truth.cols; ++x) {
      const int t = truth.at<std::uint8_t>(y, x), p = labels.at<std::uint8_t>(y, x);
      if (t <= label::bone) ++confusion.at(t, std::min(p, 3));
    }
  return metrics::summarize(confusion, {}).weighted.f1.value_or(0);
}

}  // namespace

TEST(ClassicalSegmentation, SegmentsEveryCategoryOfGeneratedRadiographsWell) {
  // Not a straw man: over one raw and one display image of every category the pipeline gets
  // most of every class right, with the polarity decided from the pixels as predict does.
  double sum = 0;
  int images = 0;
  for (const auto polarity : {synth::Polarity::raw, synth::Polarity::display}) {
    for (const auto& category : synth::category_names()) {
      const auto im = synth::synthesize(category, 5, images, 256, polarity, false);
      const Segmentation s = classical_segmentation(radiograph_of(im), {});
      ASSERT_EQ(s.labels.size(), im.pixels.size());
      ASSERT_EQ(s.probabilities.size(), 4u);
      sum += weighted_f1(im.labels, s.labels);
      ++images;
    }
  }
  EXPECT_GT(sum / images, 0.70) << images << " images";
}

TEST(ClassicalSegmentation, PutsLabelThreeOutsideTheFoundField) {
  // A bright open beam, a darker body with a darker bar of bone, a dark shielded border.
  cv::Mat image(200, 240, CV_32F, cv::Scalar(50000));
  cv::ellipse(image, {120, 100}, {70, 55}, 0, 0, 360, cv::Scalar(15000), cv::FILLED);
  cv::rectangle(image, cv::Rect(112, 60, 16, 80), cv::Scalar(5000), cv::FILLED);
  cv::Mat truth(image.size(), CV_8U, cv::Scalar(label::open_beam));
  cv::ellipse(truth, {120, 100}, {70, 55}, 0, 0, 360, cv::Scalar(label::soft_tissue), cv::FILLED);
  cv::rectangle(truth, cv::Rect(112, 60, 16, 80), cv::Scalar(label::bone), cv::FILLED);
  const cv::Rect field(20, 15, 200, 170);
  cv::Mat shielded(image.size(), CV_8U, cv::Scalar(255));
  shielded(field).setTo(0);
  image.setTo(800, shielded);
  truth.setTo(label::collimator, shielded);
  cv::Mat noise(image.size(), CV_32F);
  cv::randn(noise, 0, 200);
  Radiograph r;
  r.pixels = image + noise;
  r.bit_depth = 16;
  r.full_scale = 65535;
  ClassicalOptions options;
  options.polarity = Polarity::raw;
  const Segmentation s = classical_segmentation(r, options);
  ASSERT_TRUE(s.field.present);
  const double agree = cv::countNonZero(s.labels == truth) / double(truth.total());
  EXPECT_GT(agree, 0.95);
  EXPECT_GT(cv::countNonZero((s.labels == label::bone) & (truth == label::bone)),
            0.8 * cv::countNonZero(truth == label::bone));
}

TEST(ClassicalSegmentation, ParametersRoundTripAndOutOfRangeIsRefused) {
  ClassicalOptions o;
  o.bone_scale = 0.09;
  o.bone_bias = 0.45;
  const ClassicalOptions back = nlohmann::json(o).get<ClassicalOptions>();
  EXPECT_EQ(back.bone_scale, 0.09);
  EXPECT_EQ(back.bone_bias, 0.45);
  EXPECT_THROW(nlohmann::json({{"bone_scale", 0.7}}).get<ClassicalOptions>(), xnet::Error);
}

TEST(Robustness, NoiseEstimateRecoversAKnownLevel) {
  cv::Mat flat(300, 300, CV_32F, cv::Scalar(1000)), noise(flat.size(), CV_32F);
  cv::randn(noise, 0, 20);
  EXPECT_NEAR(estimated_noise(flat + noise, false), 20, 2);
  // Poisson-like: sigma = 3 sqrt(I) over a ramp of signals.
  cv::Mat ramp(300, 300, CV_32F), poisson(ramp.size(), CV_32F);
  for (int y = 0; y < ramp.rows; ++y) ramp.row(y).setTo(1000 + 100 * y);
  cv::randn(noise, 0, 1);
  cv::sqrt(ramp, poisson);
  EXPECT_NEAR(estimated_noise(ramp + 3 * noise.mul(poisson), true), 3, 0.3);
}

TEST(Robustness, AQuarterDoseDoublesTheNoise) {
  cv::Mat flat(300, 300, CV_32F, cv::Scalar(10000)), noise(flat.size(), CV_32F);
  cv::randn(noise, 0, 100);  // Poisson-like: 1 x sqrt(10000)
  const cv::Mat image = flat + noise;
  const double own = estimated_noise(image, true);
  const cv::Mat quarter = at_lower_dose(image, 0.25, true, 0, 65535, 7);
  EXPECT_NEAR(estimated_noise(quarter, true) / own, 2.0, 0.15);
  EXPECT_EQ(cv::norm(at_lower_dose(image, 1.0, true, 0, 65535, 7), image, cv::NORM_INF), 0.0);
}

TEST(Robustness, ComponentsAndBoundaryLengthOfAKnownMap) {
  cv::Mat labels(10, 10, CV_8U, cv::Scalar(0));
  labels(cv::Rect(1, 1, 3, 3)).setTo(2);  // two bone squares in open beam
  labels(cv::Rect(6, 6, 2, 2)).setTo(2);
  const auto parts = components_per_class(labels, 4);
  EXPECT_EQ(parts[0], 1);
  EXPECT_EQ(parts[1], 0);
  EXPECT_EQ(parts[2], 2);
  const cv::Mat all(labels.size(), CV_8U, cv::Scalar(255));
  EXPECT_EQ(boundary_length(labels, all), 4 * 3 + 4 * 2);  // the squares' perimeters
  cv::Mat some = all.clone();
  some.colRange(5, 10).setTo(0);  // only the left half counted
  EXPECT_EQ(boundary_length(labels, some), 12);
}
