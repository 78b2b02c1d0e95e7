// What real radiographs show must hold on the synthetic ones: a long-leg film is tall and bony
// from hip to ankle, a film mammogram darkens from the chest wall to the skin line, and what
// the workstation burns in is labelled as docs/synth.md says.
#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include "core/labels.hpp"
#include "synth/artefacts.hpp"
#include "synth/generator.hpp"

namespace xnet::synth {
namespace {

TEST(SynthLeg, TallImageWithBoneOverMostOfItsLength) {
  int checked = 0;
  for (int i = 0; i < 6; ++i) {
    const SyntheticImage image = synthesize("leg", 8, i, 256, Polarity::raw, true);
    EXPECT_EQ(image.labels.rows, 512);  // 8:1 with half a square's pixels
    EXPECT_EQ(image.labels.cols, 64);
    if (image.field.present) continue;  // blades may cut the leg short
    int rows_with_bone = 0, longest = 0, run = 0;
    for (int y = 0; y < image.labels.rows; ++y) {
      const bool bone = cv::countNonZero(image.labels.row(y) == label::bone) > 0;
      rows_with_bone += bone;
      run = bone ? run + 1 : 0;
      longest = std::max(longest, run);
    }
    EXPECT_GT(rows_with_bone, image.labels.rows * 55 / 100) << "#" << i;
    // Femur and tibia are each over a quarter of the film long.
    EXPECT_GT(longest, image.labels.rows / 4) << "#" << i;
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(SynthLeg, StitchedCassettesStepInBrightnessAndCarryARuler) {
  Random rng(4, 0);
  cv::Mat raw(1024, 128, CV_32F, cv::Scalar(20000.0));
  stitch_cassettes(raw, 0, 1.2, rng);
  // Rows of one section are alike, sections differ; the ruler's marks take signal away.
  std::vector<double> row_median;
  for (int y = 0; y < raw.rows; ++y) {
    cv::Mat r = raw.row(y).clone().reshape(1, 1);
    std::vector<float> v(r.begin<float>(), r.end<float>());
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    row_median.push_back(v[v.size() / 2]);
  }
  EXPECT_GT(std::abs(row_median[20] - row_median[1000]), 100.0);
  double lowest;
  cv::minMaxLoc(raw, &lowest);
  EXPECT_LT(lowest, 0.7 * 20000);
}

TEST(Breast, DisplayDarkensFromTheChestWallToTheSkinLine) {
  int films = 0;
  for (int i = 0; i < 8; ++i) {
    const SyntheticImage image = synthesize("breast", 33, i, 256, Polarity::display, true);
    // Column profile over the breast: its soft-tissue pixels' mean brightness.
    const cv::Mat tissue = image.labels == label::soft_tissue;
    std::vector<double> mean;
    for (int x = 0; x < tissue.cols; ++x) {
      const int n = cv::countNonZero(tissue.col(x));
      if (n > tissue.rows / 20) mean.push_back(cv::mean(image.pixels.col(x), tissue.col(x))[0]);
    }
    if (mean.size() < 20) continue;
    // The chest wall is on the side with the most tissue rows.
    const bool wall_left = cv::countNonZero(tissue.col(0)) > cv::countNonZero(tissue.col(tissue.cols - 1));
    if (!wall_left) std::reverse(mean.begin(), mean.end());
    const std::size_t n = mean.size();
    double inner = 0, outer = 0;
    for (std::size_t k = 0; k < n / 5; ++k) inner += mean[k] / (n / 5), outer += mean[n - 1 - k] / (n / 5);
    EXPECT_GT(inner, outer + 15) << "#" << i;
    ++films;
  }
  EXPECT_GT(films, 4);
}

TEST(SynthArtefacts, AnonymisationBoxesAreIgnoredAndTextKeepsTheLabelBelow) {
  int boxes = 0, marks = 0;
  for (int i = 0; i < 60; ++i) {
    Random rng(9, i);
    cv::Mat display(256, 256, CV_32F, cv::Scalar(100.0)), labels(256, 256, CV_8U, cv::Scalar(label::soft_tissue));
    add_workstation_marks(display, labels, rng);
    const cv::Mat ignored = labels == label::ignore;
    if (cv::countNonZero(ignored)) {
      ++boxes;
      double darkest, brightest;
      cv::minMaxLoc(display, &darkest, &brightest, nullptr, nullptr, ignored);
      EXPECT_LT(brightest, 30.0) << "#" << i;  // black, bar JPEG ringing
      // Boxes sit in corners.
      EXPECT_TRUE(ignored.at<std::uint8_t>(0, 0) || ignored.at<std::uint8_t>(0, 255) ||
                  ignored.at<std::uint8_t>(255, 0) || ignored.at<std::uint8_t>(255, 255));
    }
    const cv::Mat bright = display > 160;
    marks += cv::countNonZero(bright) > 0;
    EXPECT_EQ(cv::countNonZero(bright & ignored), 0) << "#" << i;
  }
  EXPECT_GT(boxes, 0);
  EXPECT_GT(marks, 0);
}

}  // namespace
}  // namespace xnet::synth
