// ECE/MCE of a constructed case, and temperature scaling of a deliberately over-confident model.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/error.hpp"
#include "metrics/calibration.hpp"

namespace xnet::metrics {
namespace {

TEST(Reliability, EceAndMceOfAConstructedCase) {
  // 10 pixels at confidence 0.95 with 8 right (gap 0.15), 10 at 0.55 with 5 right (gap 0.05):
  // ECE = (10 * 0.15 + 10 * 0.05) / 20 = 0.1, MCE = 0.15.
  ReliabilityDiagram d;
  for (int i = 0; i < 10; ++i) d.add(0.95, i < 8);
  for (int i = 0; i < 10; ++i) d.add(0.55, i < 5);
  EXPECT_NEAR(*d.ece(), 0.1, 1e-12);
  EXPECT_NEAR(*d.mce(), 0.15, 1e-12);
  EXPECT_NEAR(*d.confidence(), 0.75, 1e-12);
  EXPECT_NEAR(*d.accuracy(), 0.65, 1e-12);
  const auto bins = d.bins();
  EXPECT_EQ(bins[14].count, 10u);  // [14/15, 1]
  EXPECT_EQ(bins[8].count, 10u);   // [8/15, 9/15)
  EXPECT_FALSE(bins[0].accuracy);
  d.add(1.0, true);  // confidence 1 belongs to the last bin
  EXPECT_EQ(d.bins()[14].count, 11u);
  EXPECT_FALSE(ReliabilityDiagram().ece());
}

// Labels drawn from softmax(z) (a calibrated model), logits reported as 3 z: over-confident.
LogitSet overconfident(std::size_t n, double scale, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.5f);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  LogitSet set;
  set.classes = 3;
  for (std::size_t i = 0; i < n; ++i) {
    float z[3];
    double p[3], sum = 0;
    for (int k = 0; k < 3; ++k) sum += p[k] = std::exp(z[k] = normal(rng));
    double r = u(rng) * sum;
    int label = 0;
    while (label < 2 && (r -= p[label]) > 0) ++label;
    for (auto& v : z) v *= float(scale);
    set.push_back(z, std::uint8_t(label));
  }
  return set;
}

TEST(TemperatureScaling, LowersEceAndNllOfAnOverConfidentModel) {
  const LogitSet set = overconfident(20000, 3.0, 11);
  const TemperatureFit fit = fit_temperature(set);
  EXPECT_NEAR(fit.temperature, 3.0, 0.3);  // undoes the factor 3
  EXPECT_LT(fit.nll_after, fit.nll_before);
  ASSERT_TRUE(fit.ece_before && fit.ece_after);
  EXPECT_GT(*fit.ece_before, 0.05);
  EXPECT_LT(*fit.ece_after, 0.02);
  EXPECT_LT(*fit.ece_after, *fit.ece_before);
  // The fitted T is a minimum: a little either way is no better.
  const double at = *negative_log_likelihood(set, fit.temperature);
  EXPECT_LE(at, *negative_log_likelihood(set, fit.temperature * 1.05));
  EXPECT_LE(at, *negative_log_likelihood(set, fit.temperature / 1.05));
}

TEST(TemperatureScaling, CalibratedModelKeepsTemperatureNearOne) {
  const TemperatureFit fit = fit_temperature(overconfident(20000, 1.0, 5));
  EXPECT_NEAR(fit.temperature, 1.0, 0.1);
}

TEST(TemperatureScaling, EmptySetIsAnError) {
  EXPECT_THROW(fit_temperature(LogitSet{}), Error);
}

TEST(LogitReservoir, KeepsAtMostCapacitySkippingIgnoredPixels) {
  std::vector<cv::Mat> logits(3);
  for (int k = 0; k < 3; ++k) logits[k] = cv::Mat(40, 25, CV_32F, cv::Scalar(float(k)));
  cv::Mat truth(40, 25, CV_8U, cv::Scalar(2));
  truth.rowRange(0, 20).setTo(255);  // half ignored
  LogitReservoir reservoir(3, 100, 1);
  reservoir.add(logits, truth);
  reservoir.add(logits, truth);
  EXPECT_EQ(reservoir.seen(), 1000u);
  ASSERT_EQ(reservoir.sample().size(), 100u);
  EXPECT_EQ(reservoir.sample().logits.size(), 300u);
  EXPECT_EQ(reservoir.sample().labels[37], 2);
  EXPECT_EQ(reservoir.sample().logits[37 * 3 + 1], 1.0f);
}

}  // namespace
}  // namespace xnet::metrics
