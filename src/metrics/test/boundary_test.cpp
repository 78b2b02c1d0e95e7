// Boundary F1 and HD95 on hand-made masks with known answers (issue 17's tests): a square
// shifted by 1 and by 3 px at tolerance 2, against hand counts and a brute-force reference.
#include "metrics/boundary.hpp"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "core/labels.hpp"

namespace xnet::metrics {
namespace {

// 48x48 soft tissue with a 20x20 bone square whose top-left corner is (x, y).
cv::Mat square_at(int x, int y) {
  cv::Mat m(48, 48, CV_8U, cv::Scalar(label::soft_tissue));
  m(cv::Rect(x, y, 20, 20)).setTo(label::bone);
  return m;
}

std::vector<cv::Point> points(const cv::Mat& mask) {
  std::vector<cv::Point> p;
  if (cv::countNonZero(mask) > 0) cv::findNonZero(mask, p);
  return p;
}

// Brute force: each boundary pixel's distance to the nearest of the other side's.
std::vector<double> nearest(const std::vector<cv::Point>& from, const std::vector<cv::Point>& to) {
  std::vector<double> d;
  for (const auto& a : from) {
    double best = 1e9;
    for (const auto& b : to) best = std::min(best, std::hypot(a.x - b.x, a.y - b.y));
    d.push_back(best);
  }
  return d;
}

double percentile95(std::vector<double> d) {
  std::sort(d.begin(), d.end());
  return d[static_cast<std::size_t>(std::ceil(0.95 * d.size())) - 1];
}

TEST(ClassBoundary, IsTheClassesPixelsNextToAnotherLabelledClass) {
  const cv::Mat m = square_at(10, 10);
  EXPECT_EQ(cv::countNonZero(class_boundary(m, label::bone)), 4 * 20 - 4);
  EXPECT_EQ(cv::countNonZero(class_boundary(m, label::soft_tissue)), 4 * 20);  // 4-neighbours: no corners
  EXPECT_EQ(cv::countNonZero(class_boundary(m, label::open_beam)), 0);
  // Not labelled, or the collimator for the other classes, makes no boundary.
  cv::Mat partial(48, 48, CV_8U, cv::Scalar(label::ignore));
  partial(cv::Rect(10, 10, 20, 20)).setTo(label::bone);
  EXPECT_EQ(cv::countNonZero(class_boundary(partial, label::bone)), 0);
  cv::Mat collimated(48, 48, CV_8U, cv::Scalar(label::soft_tissue));
  collimated.colRange(0, 5).setTo(label::collimator);
  EXPECT_EQ(cv::countNonZero(class_boundary(collimated, label::soft_tissue)), 0);
  EXPECT_EQ(cv::countNonZero(class_boundary(collimated, label::collimator)), 48);
}

TEST(Boundary, SquareShiftedByOnePixelIsWithinTwo) {
  BoundaryAccumulator b(3, 2.0);
  b.add(square_at(10, 10), square_at(11, 10), std::nullopt);
  const auto f = b.result();
  for (int k : {label::soft_tissue, label::bone}) {
    ASSERT_TRUE(f[k].f1) << k;
    EXPECT_DOUBLE_EQ(*f[k].f1, 1.0) << k;
    EXPECT_DOUBLE_EQ(*f[k].hd95_px, 1.0) << k;
    EXPECT_FALSE(f[k].hd95_mm) << k;
  }
  EXPECT_FALSE(f[label::open_beam].f1);  // no open beam anywhere: no figure, not a made-up one
}

TEST(Boundary, SquareShiftedByThreePixelsAgainstHandCountAndBruteForce) {
  const cv::Mat truth = square_at(10, 10), predicted = square_at(13, 10);
  BoundaryAccumulator b(3, 2.0);
  b.add(truth, predicted, 0.5);
  const auto f = b.result();
  // Bone, by hand: of the predicted outline's 76 pixels, the top and bottom rows match but for
  // their last pixel (19 + 19), the left column only within 2 rows of a corner (4), the right
  // column none: 42 of 76; by symmetry the same for recall.
  EXPECT_EQ(f[label::bone].predicted_pixels, 76u);
  EXPECT_NEAR(*f[label::bone].precision, 42.0 / 76.0, 1e-12);
  EXPECT_NEAR(*f[label::bone].recall, 42.0 / 76.0, 1e-12);
  EXPECT_NEAR(*f[label::bone].f1, 42.0 / 76.0, 1e-12);
  for (int k : {label::soft_tissue, label::bone}) {
    const auto t = points(class_boundary(truth, k)), p = points(class_boundary(predicted, k));
    const auto to_truth = nearest(p, t), to_predicted = nearest(t, p);
    const auto within = [](const std::vector<double>& d) {
      return double(std::count_if(d.begin(), d.end(), [](double v) { return v <= 2.0; })) / d.size();
    };
    EXPECT_NEAR(*f[k].precision, within(to_truth), 1e-12) << k;
    EXPECT_NEAR(*f[k].recall, within(to_predicted), 1e-12) << k;
    const double hd95 = std::max(percentile95(to_truth), percentile95(to_predicted));
    EXPECT_NEAR(*f[k].hd95_px, hd95, 1.0 / 16) << k;  // histogram bins of 1/16 px
    EXPECT_NEAR(*f[k].hd95_mm, 0.5 * hd95, 1.0 / 32) << k;
    EXPECT_LT(*f[k].f1, 0.8) << k;
  }
}

TEST(Boundary, PartialLabelsJudgeOnlyWhatTheyShow) {
  // Bone labelled, everything else unknown: the predicted square's edge lies next to unknown
  // truth, so it is neither right nor wrong; a bone/soft-tissue edge inside the labelled bone is.
  cv::Mat truth(48, 48, CV_8U, cv::Scalar(label::ignore));
  truth(cv::Rect(5, 5, 38, 38)).setTo(label::bone);
  cv::Mat predicted(48, 48, CV_8U, cv::Scalar(label::soft_tissue));
  predicted(cv::Rect(5, 5, 38, 38)).setTo(label::bone);
  BoundaryAccumulator b(3, 2.0);
  b.add(truth, predicted, std::nullopt);
  EXPECT_EQ(b.result()[label::bone].predicted_pixels, 0u);
  EXPECT_FALSE(b.result()[label::bone].f1);
  predicted(cv::Rect(20, 20, 8, 8)).setTo(label::soft_tissue);  // a hole well inside the labels
  BoundaryAccumulator hole(3, 2.0);
  hole.add(truth, predicted, std::nullopt);
  EXPECT_EQ(hole.result()[label::bone].predicted_pixels, 4u * 8);
  EXPECT_DOUBLE_EQ(*hole.result()[label::bone].precision, 0.0);
  // The labels have no bone boundary: nothing to find, so no recall, F1 or HD95.
  EXPECT_FALSE(hole.result()[label::bone].f1);
  EXPECT_FALSE(hole.result()[label::bone].hd95_px);
}

TEST(Boundary, ATrueBoundaryNotPredictedScoresZero) {
  const cv::Mat truth = square_at(10, 10);
  const cv::Mat all_soft(48, 48, CV_8U, cv::Scalar(label::soft_tissue));
  BoundaryAccumulator b(3, 2.0);
  b.add(truth, all_soft, std::nullopt);
  const auto bone = b.result()[label::bone];
  EXPECT_FALSE(bone.precision);
  EXPECT_DOUBLE_EQ(*bone.recall, 0.0);
  EXPECT_DOUBLE_EQ(*bone.f1, 0.0);
  // No counterpart anywhere: the image's diagonal, to 1/16 px.
  EXPECT_NEAR(*bone.hd95_px, std::hypot(48, 48), 1.0 / 16);
}

TEST(Boundary, ToleranceOutOfRangeIsRefused) {
  EXPECT_THROW(BoundaryAccumulator(3, -1.0), std::exception);
  EXPECT_THROW(BoundaryAccumulator(3, std::nan("")), std::exception);
}

}  // namespace
}  // namespace xnet::metrics
