// The histogram AUC against a brute-force Mann-Whitney count, and the bins it rests on.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "metrics/score_histogram.hpp"

namespace xnet::metrics {
namespace {

double brute_force_auc(const std::vector<float>& score, const std::vector<bool>& positive) {
  double wins = 0, pairs = 0;
  for (std::size_t i = 0; i < score.size(); ++i) {
    if (!positive[i]) continue;
    for (std::size_t j = 0; j < score.size(); ++j) {
      if (positive[j]) continue;
      wins += score[i] > score[j] ? 1.0 : (score[i] == score[j] ? 0.5 : 0.0);
      pairs += 1;
    }
  }
  return wins / pairs;
}

// Three regimes: spread-out scores, scores crowded within 1e-5 of 0 and 1 (a confident
// network), and coarse scores with many exact ties.
std::vector<float> draw_scores(int regime, const std::vector<bool>& positive, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> s;
  for (bool pos : positive) {
    float v = u(rng);
    if (regime == 0) v = pos ? std::sqrt(v) : v * v;
    if (regime == 1) v = pos ? 1.0f - 1e-5f * v * v : 1e-5f * v;
    if (regime == 1 && u(rng) < 0.2f) v = pos ? 1e-6f * v : 1.0f - 1e-6f * u(rng);  // confident mistakes
    if (regime == 2) v = std::round(v * 10) / 10;
    s.push_back(v);
  }
  return s;
}

TEST(Auc, HistogramAgreesWithBruteForceWithinTheReportedBound) {
  std::mt19937 rng(42);
  for (int regime = 0; regime < 3; ++regime)
    for (int trial = 0; trial < 5; ++trial) {
      std::vector<bool> positive;
      std::bernoulli_distribution coin(0.3);
      for (int i = 0; i < 1500; ++i) positive.push_back(coin(rng));
      const std::vector<float> score = draw_scores(regime, positive, rng);
      ScoreHistogram h;
      for (std::size_t i = 0; i < score.size(); ++i) h.add(score[i], positive[i]);
      const auto auc = h.auc();
      ASSERT_TRUE(auc);
      const double exact = brute_force_auc(score, positive);
      EXPECT_LT(std::abs(auc->value - exact), 1e-4) << "regime " << regime;
      EXPECT_LE(std::abs(auc->value - exact), auc->error_bound + 1e-12) << "regime " << regime;
      if (regime < 2) EXPECT_LT(auc->error_bound, 1e-4) << "regime " << regime;
    }
}

TEST(Auc, UndefinedWithoutPositivesOrNegatives) {
  ScoreHistogram h;
  h.add(0.3f, false);
  EXPECT_FALSE(h.auc());
  EXPECT_TRUE(h.roc_curve().empty());
}

TEST(Auc, RocCurveRunsFromOriginToOneOneWithFallingThresholds) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  ScoreHistogram h;
  for (int i = 0; i < 5000; ++i) {
    const bool pos = i % 3 == 0;
    h.add(pos ? std::sqrt(u(rng)) : u(rng), pos);
  }
  const auto curve = h.roc_curve(100);
  ASSERT_GE(curve.size(), 20u);
  EXPECT_LE(curve.size(), 210u);
  EXPECT_EQ(curve.front().fpr, 0.0);
  EXPECT_EQ(curve.front().tpr, 0.0);
  EXPECT_EQ(curve.back().fpr, 1.0);
  EXPECT_EQ(curve.back().tpr, 1.0);
  for (std::size_t i = 1; i < curve.size(); ++i) {
    EXPECT_LT(curve[i].threshold, curve[i - 1].threshold);
    EXPECT_GE(curve[i].tpr, curve[i - 1].tpr);
  }
}

TEST(ScoreBins, OrderedAndEdgesAreExactThresholds) {
  const ScoreBins bins(12);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> samples = {0.0f, 1e-30f, 1e-12f, 0.25f, 0.5f, std::nextafter(0.5f, 0.0f),
                                0.999999f, std::nextafter(1.0f, 0.0f), 1.0f};
  for (int i = 0; i < 2000; ++i) {
    const float v = u(rng);
    samples.push_back(v);
    samples.push_back(v * v * v * v);
    samples.push_back(1.0f - v * v * v * v);
  }
  for (float a : samples) {
    ASSERT_LT(bins.index(a), bins.count());
    for (float b : {samples[0], samples[4], samples[7], a * 0.999f})
      if (b <= a) EXPECT_LE(bins.index(b), bins.index(a)) << b << " " << a;
    // The lower edge of a's bin is the smallest float in it: p >= edge <=> index(p) >= bin.
    const std::size_t bin = bins.index(a);
    const float edge = bins.lower_edge(bin);
    EXPECT_LE(edge, a);
    EXPECT_EQ(bins.index(edge), bin);
    if (edge > 0.0f) EXPECT_LT(bins.index(std::nextafter(edge, 0.0f)), bin);
  }
  // Fine where a confident network puts its pixels.
  EXPECT_NE(bins.index(1.0f - 1e-6f), bins.index(1.0f - 2e-6f));
  EXPECT_NE(bins.index(1e-9f), bins.index(2e-9f));
}

}  // namespace
}  // namespace xnet::metrics
