// Threshold selection on a constructed case whose best thresholds are worked out by hand.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "metrics/soft_tissue_threshold.hpp"

namespace xnet::metrics {
namespace {

// (truth, p(open beam), p(soft tissue), p(bone)) per pixel.
struct Pixel {
  std::uint8_t truth;
  float open, soft, bone;
};

// Soft tissue at p = 0.7, 0.8, 0.9; others at 0.2 (open beam), 0.65 and 0.95 (bone).
// Calling soft tissue above t in [0.65, 0.7): TP 3, FP 1 -> F1 6/7 (the best: 0.75 below 0.65,
// 2/3 above 0.7), FPR 1/3, and the rest by the larger other class: all right -> accuracy 5/6.
const std::vector<Pixel> case_pixels = {{1, 0.2f, 0.7f, 0.1f},   {1, 0.1f, 0.8f, 0.1f},
                                        {1, 0.05f, 0.9f, 0.05f}, {0, 0.7f, 0.2f, 0.1f},
                                        {2, 0.05f, 0.65f, 0.3f}, {2, 0.01f, 0.95f, 0.04f}};

void add(SoftTissueThresholdSearch& search, const std::vector<Pixel>& pixels, const std::string& category) {
  const int n = int(pixels.size());
  cv::Mat truth(1, n, CV_8U);
  std::vector<cv::Mat> probs(3, cv::Mat());
  for (auto& m : probs) m = cv::Mat(1, n, CV_32F);
  for (int i = 0; i < n; ++i) {
    truth.at<std::uint8_t>(0, i) = pixels[i].truth;
    probs[0].at<float>(0, i) = pixels[i].open;
    probs[1].at<float>(0, i) = pixels[i].soft;
    probs[2].at<float>(0, i) = pixels[i].bone;
  }
  search.add(probs, truth, category);
}

int soft_calls(const std::vector<Pixel>& pixels, double t) {
  int n = 0;
  for (const auto& p : pixels) n += p.soft > t;
  return n;
}

TEST(SoftTissueThreshold, BestF1) {
  SoftTissueThresholdSearch search(3);
  add(search, case_pixels, "hand");
  add(search, {{0, 0.9f, 0.05f, 0.05f}, {2, 0.1f, 0.3f, 0.6f}}, "lamb leg");  // no soft tissue
  const SoftTissueThresholds t = search.choose({});
  const auto& hand = t.per_category.at("hand");
  EXPECT_GE(hand.threshold, 0.65);
  EXPECT_LT(hand.threshold, 0.7);
  EXPECT_EQ(soft_calls(case_pixels, hand.threshold), 4);  // the rule p > t on the pixels
  EXPECT_NEAR(*hand.f1, 6.0 / 7, 1e-12);
  EXPECT_NEAR(*hand.tpr, 1.0, 1e-12);
  EXPECT_NEAR(*hand.fpr, 1.0 / 3, 1e-12);
  EXPECT_NEAR(*hand.accuracy, 5.0 / 6, 1e-12);
  EXPECT_FALSE(hand.from_global);
  // No soft tissue in the lamb leg: its threshold falls back to the global one.
  EXPECT_TRUE(t.per_category.at("lamb leg").from_global);
  EXPECT_EQ(t.per_category.at("lamb leg").threshold, t.global.threshold);
  // Globally the two lamb-leg pixels (p 0.05, 0.3) are true negatives below any such t.
  EXPECT_NEAR(*t.global.f1, 6.0 / 7, 1e-12);
  EXPECT_NEAR(*t.global.fpr, 1.0 / 5, 1e-12);
  ASSERT_TRUE(t.auc);
  EXPECT_NEAR(t.auc->value, 12.0 / 15, 1e-12);  // each positive beats 4 of 5 negatives (not 0.95)
}

TEST(SoftTissueThreshold, TargetFalsePositiveRate) {
  SoftTissueThresholdSearch search(3);
  add(search, case_pixels, "hand");
  // FPR <= 1/3 allows the bone at 0.65 or 0.95 but not both: lowest t stays above 0.65.
  const auto loose = search.choose({0.34}).global;
  EXPECT_GE(loose.threshold, 0.65);
  EXPECT_LT(loose.threshold, 0.7);
  EXPECT_NEAR(*loose.tpr, 1.0, 1e-12);
  // FPR 0: nothing above the bone at 0.95 is soft tissue, so no true positive either.
  const auto strict = search.choose({0.0}).global;
  EXPECT_GE(strict.threshold, 0.95);
  EXPECT_EQ(soft_calls(case_pixels, strict.threshold), 0);
  EXPECT_NEAR(*strict.fpr, 0.0, 1e-12);
  EXPECT_NEAR(*strict.tpr, 0.0, 1e-12);
  const nlohmann::json j = to_json(search.choose({0.34}));
  EXPECT_DOUBLE_EQ(j["criterion"]["max_fpr"], 0.34);
  EXPECT_EQ(j["per_category"]["hand"]["threshold"], j["global"]["threshold"]);
}

TEST(SoftTissueThreshold, NoSoftTissueAnywhereIsAnError) {
  SoftTissueThresholdSearch search(3);
  add(search, {{0, 0.9f, 0.05f, 0.05f}}, "lamb leg");
  EXPECT_THROW(search.choose({}), Error);
}

}  // namespace
}  // namespace xnet::metrics
