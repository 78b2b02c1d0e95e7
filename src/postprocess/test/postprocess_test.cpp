#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "core/labels.hpp"
#include "postprocess/overlay.hpp"
#include "postprocess/postprocess.hpp"

namespace {

namespace label = xnet::label;

// One pixel per row of hand-made probabilities (open beam, soft tissue, bone).
std::vector<cv::Mat> probabilities(const std::vector<std::array<float, 3>>& rows) {
  std::vector<cv::Mat> maps(3, cv::Mat(int(rows.size()), 1, CV_32F));
  for (auto& m : maps) m = cv::Mat(int(rows.size()), 1, CV_32F);
  for (int r = 0; r < int(rows.size()); ++r)
    for (int c = 0; c < 3; ++c) maps[c].at<float>(r, 0) = rows[r][c];
  return maps;
}

TEST(DecideLabels, SoftTissueOnlyAboveThresholdElseLargerOfTheOthers) {
  const auto p = probabilities({{0.10f, 0.65f, 0.25f},    // soft above 0.6
                                {0.30f, 0.50f, 0.20f},    // argmax soft, below 0.6 -> open beam
                                {0.15f, 0.55f, 0.30f},    // below 0.6 -> bone
                                {0.50f, 0.20f, 0.30f}});  // plain open beam
  const cv::Mat at_06 = xnet::decide_labels(p, 0.6);
  EXPECT_EQ(at_06.at<std::uint8_t>(0), label::soft_tissue);
  EXPECT_EQ(at_06.at<std::uint8_t>(1), label::open_beam);
  EXPECT_EQ(at_06.at<std::uint8_t>(2), label::bone);
  EXPECT_EQ(at_06.at<std::uint8_t>(3), label::open_beam);
  const cv::Mat at_07 = xnet::decide_labels(p, 0.7);  // the first pixel loses soft tissue too
  EXPECT_EQ(at_07.at<std::uint8_t>(0), label::bone);
  const cv::Mat argmax = xnet::decide_labels(p, -1);
  EXPECT_EQ(argmax.at<std::uint8_t>(1), label::soft_tissue);
  EXPECT_EQ(argmax.at<std::uint8_t>(2), label::soft_tissue);
}

TEST(DecideLabels, RejectsWrongClassCount) {
  EXPECT_THROW(xnet::decide_labels({cv::Mat::zeros(2, 2, CV_32F)}, 0.6), xnet::Error);
}

TEST(UpsampleProbabilities, KeepsSizeAndSumOfOne) {
  cv::RNG rng(1);
  std::vector<cv::Mat> small(3);
  for (auto& m : small) {
    m = cv::Mat(20, 20, CV_32F);
    rng.fill(m, cv::RNG::UNIFORM, 0.01, 1.0);
  }
  const cv::Mat total = small[0] + small[1] + small[2];
  for (auto& m : small) m /= total;
  const auto full = xnet::upsample_probabilities(small, {157, 131});
  ASSERT_EQ(full.size(), 3u);
  for (const auto& m : full) EXPECT_EQ(m.size(), cv::Size(157, 131));
  cv::Mat sum = full[0] + full[1] + full[2];
  double lo, hi;
  cv::minMaxLoc(sum, &lo, &hi);
  EXPECT_NEAR(lo, 1.0, 1e-5);
  EXPECT_NEAR(hi, 1.0, 1e-5);
  // Bilinear, not blocky: neighbouring output pixels inside one input cell differ.
  EXPECT_NE(full[0].at<float>(40, 40), full[0].at<float>(40, 41));
}

cv::Mat soft_tissue_field(cv::Size size = {100, 80}) { return cv::Mat(size, CV_8UC1, cv::Scalar(label::soft_tissue)); }

TEST(BoneOpening, RemovesSmallIslandKeepsLargeBone) {
  cv::Mat labels = soft_tissue_field();
  labels(cv::Rect(5, 5, 6, 6)).setTo(label::bone);      // 6x6: smaller than 10x10
  labels(cv::Rect(40, 20, 30, 25)).setTo(label::bone);  // 30x25: kept whole
  const cv::Mat out = xnet::open_bone(labels, {10, 10});
  EXPECT_EQ(cv::countNonZero(out(cv::Rect(5, 5, 6, 6)) == label::soft_tissue), 36);
  EXPECT_EQ(cv::countNonZero(out == label::bone), 30 * 25);
}

TEST(BoneOpening, ScalesWithImageSizeFromNetworkScale) {
  // 10x10 at 200 px is 50x50 at 1000 px: a 40x40 bone goes, a 60x60 one stays.
  cv::Mat labels = soft_tissue_field({1000, 1000});
  labels(cv::Rect(100, 100, 40, 40)).setTo(label::bone);
  labels(cv::Rect(500, 500, 60, 60)).setTo(label::bone);
  xnet::PostprocessOptions options;
  options.bone_opening_size = 10;
  options.remove_small_regions = false;
  const cv::Mat out = xnet::postprocess(labels, options);
  EXPECT_EQ(cv::countNonZero(out == label::bone), 60 * 60);
  options.bone_opening = false;
  EXPECT_EQ(cv::countNonZero(xnet::postprocess(labels, options) == label::bone), 40 * 40 + 60 * 60);
}

TEST(BoneDilation, GrowsByTheGivenPixels) {
  cv::Mat labels = soft_tissue_field();
  labels.at<std::uint8_t>(40, 50) = label::bone;
  labels.at<std::uint8_t>(40, 47) = label::ignore;  // never overwritten
  const cv::Mat out = xnet::dilate_bone(labels, 3);
  EXPECT_EQ(out.at<std::uint8_t>(40, 53), label::bone);
  EXPECT_EQ(out.at<std::uint8_t>(43, 50), label::bone);
  EXPECT_EQ(out.at<std::uint8_t>(40, 54), label::soft_tissue);
  EXPECT_EQ(out.at<std::uint8_t>(42, 52), label::bone);          // distance 2.83
  EXPECT_EQ(out.at<std::uint8_t>(43, 53), label::soft_tissue);   // distance 4.24
  EXPECT_EQ(out.at<std::uint8_t>(40, 47), label::ignore);
  EXPECT_EQ(cv::countNonZero(out == label::bone), 28);  // disc of radius 3 (29) less the ignore pixel
}

TEST(SmallRegions, TinyRegionsTakeTheSurroundingMajority) {
  cv::Mat labels(60, 60, CV_8UC1, cv::Scalar(label::open_beam));
  labels(cv::Rect(0, 30, 60, 30)).setTo(label::soft_tissue);
  labels(cv::Rect(10, 10, 2, 2)).setTo(label::bone);         // 4 px island in open beam
  labels(cv::Rect(40, 45, 3, 1)).setTo(label::open_beam);    // 3 px hole in soft tissue
  labels(cv::Rect(20, 40, 10, 10)).setTo(label::bone);       // 100 px: stays
  labels.at<std::uint8_t>(5, 50) = label::ignore;            // ignore is never a region
  const cv::Mat out = xnet::remove_small_regions(labels, 5);
  EXPECT_EQ(out.at<std::uint8_t>(10, 10), label::open_beam);
  EXPECT_EQ(out.at<std::uint8_t>(45, 41), label::soft_tissue);
  EXPECT_EQ(cv::countNonZero(out == label::bone), 100);
  EXPECT_EQ(out.at<std::uint8_t>(5, 50), label::ignore);
  // Regions that are large enough are all left alone.
  EXPECT_EQ(cv::countNonZero(xnet::remove_small_regions(labels, 3) != labels), 0);
}

TEST(SmallRegions, DiagonalNeighboursAreOneRegion) {
  cv::Mat labels(20, 20, CV_8UC1, cv::Scalar(label::open_beam));
  for (int i = 0; i < 6; ++i) labels.at<std::uint8_t>(5 + i, 5 + i) = label::bone;  // 8-connected
  EXPECT_EQ(cv::countNonZero(xnet::remove_small_regions(labels, 6) == label::bone), 6);
  EXPECT_EQ(cv::countNonZero(xnet::remove_small_regions(labels, 7) == label::bone), 0);
}

TEST(ColourOverlay, TintsClassesAndKeepsOpenBeamGray) {
  cv::Mat gray(2, 2, CV_8UC1, cv::Scalar(128));
  cv::Mat labels = (cv::Mat_<std::uint8_t>(2, 2) << label::open_beam, label::soft_tissue, label::bone,
                    label::collimator);
  const cv::Mat out = xnet::colour_overlay(gray, labels);
  ASSERT_EQ(out.type(), CV_8UC3);
  EXPECT_EQ(out.at<cv::Vec3b>(0, 0), cv::Vec3b(128, 128, 128));
  const cv::Vec3b soft = out.at<cv::Vec3b>(0, 1), bone = out.at<cv::Vec3b>(1, 0), coll = out.at<cv::Vec3b>(1, 1);
  EXPECT_LT(soft[0], soft[2]);  // yellow: red and green over blue
  EXPECT_GT(bone[0], bone[2]);  // blue
  EXPECT_LT(coll[0], 128);      // darker gray
  EXPECT_EQ(coll[0], coll[2]);
}

}  // namespace
