#pragma once
// Temperature scaling (Guo et al. 2017; beyond the original work): one scalar T > 0 divides
// the logits before the softmax, fitted to minimise the negative log-likelihood on validation
// pixels. It changes confidences, never the argmax, so accuracy and masks stay the same.
// Torch-free: the caller hands in logits as floats (N x K, row-major) and labels.
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include <opencv2/core.hpp>

#include "metrics/reliability.hpp"

namespace xnet::metrics {

// N pixels' logits (row-major, N x classes) and their true labels (< classes).
struct LogitSet {
  int classes = 3;
  std::vector<float> logits;
  std::vector<std::uint8_t> labels;
  std::size_t size() const { return labels.size(); }
  void push_back(const float* pixel_logits, std::uint8_t label);
};

// A uniform random sample of at most `capacity` pixels from every image added (reservoir
// sampling, algorithm R): fitting T needs thousands of pixels, not hundreds of millions.
class LogitReservoir {
 public:
  LogitReservoir(int classes, std::size_t capacity, std::uint64_t seed = 1);
  // logits: one CV_32F map per class; truth: CV_8U, 255 = ignored (skipped).
  void add(const std::vector<cv::Mat>& logits, const cv::Mat& truth);
  const LogitSet& sample() const { return sample_; }
  std::uint64_t seen() const { return seen_; }

 private:
  void offer(const float* pixel_logits, std::uint8_t label);
  std::size_t capacity_;
  std::uint64_t seen_ = 0;
  LogitSet sample_;
  std::mt19937_64 random_;
};

// Mean -log softmax(logits / T)[label]; none for an empty set.
std::optional<double> negative_log_likelihood(const LogitSet& set, double temperature);
// Top-class reliability (15 bins, ECE, MCE) of softmax(logits / T).
ReliabilityDiagram reliability(const LogitSet& set, double temperature);

struct TemperatureFit {
  double temperature = 1.0;
  double nll_before = 0, nll_after = 0;  // at T = 1 and at the fitted T
  std::optional<double> ece_before, ece_after, mce_before, mce_after;
  std::size_t pixels = 0;
};

// Golden-section search on log T in [log 0.05, log 20]: NLL is convex in 1/T (log-sum-exp of
// a linear function minus a linear term), hence unimodal in log T. Throws on an empty set.
TemperatureFit fit_temperature(const LogitSet& set);

}  // namespace xnet::metrics
