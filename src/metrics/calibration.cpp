#include "metrics/calibration.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/labels.hpp"

namespace xnet::metrics {

void LogitSet::push_back(const float* pixel_logits, std::uint8_t label) {
  logits.insert(logits.end(), pixel_logits, pixel_logits + classes);
  labels.push_back(label);
}

LogitReservoir::LogitReservoir(int classes, std::size_t capacity, std::uint64_t seed)
    : capacity_(capacity), random_(seed) {
  sample_.classes = classes;
}

void LogitReservoir::offer(const float* pixel_logits, std::uint8_t label) {
  ++seen_;
  if (sample_.size() < capacity_) {
    sample_.push_back(pixel_logits, label);
    return;
  }
  const std::uint64_t slot = std::uniform_int_distribution<std::uint64_t>(0, seen_ - 1)(random_);
  if (slot >= capacity_) return;
  std::copy(pixel_logits, pixel_logits + sample_.classes,
            sample_.logits.begin() + std::ptrdiff_t(slot * sample_.classes));
  sample_.labels[slot] = label;
}

void LogitReservoir::add(const std::vector<cv::Mat>& logits, const cv::Mat& truth) {
  const int k_count = sample_.classes;
  if (int(logits.size()) != k_count || truth.type() != CV_8UC1)
    throw Error("temperature sample: expected " + std::to_string(k_count) +
                " logit maps and an 8-bit truth map");
  std::vector<float> pixel(k_count);
  for (int y = 0; y < truth.rows; ++y)
    for (int x = 0; x < truth.cols; ++x) {
      const std::uint8_t t = truth.at<std::uint8_t>(y, x);
      if (t == label::ignore) continue;
      if (t >= k_count)
        throw Error("temperature sample: label " + std::to_string(t) + " is not one of the " +
                    std::to_string(k_count) + " classes");
      for (int k = 0; k < k_count; ++k) pixel[k] = logits[k].at<float>(y, x);
      offer(pixel.data(), t);
    }
}

namespace {

// Calls f(probabilities, label) with softmax(logits / T) of every pixel.
template <class F>
void for_each_softmax(const LogitSet& set, double temperature, F&& f) {
  const int k_count = set.classes;
  std::vector<double> prob(k_count);
  for (std::size_t i = 0; i < set.size(); ++i) {
    const float* z = &set.logits[i * k_count];
    const double top = *std::max_element(z, z + k_count) / temperature;
    double sum = 0;
    for (int k = 0; k < k_count; ++k) sum += prob[k] = std::exp(z[k] / temperature - top);
    for (auto& p : prob) p /= sum;
    f(prob, set.labels[i], std::log(sum) + top - z[set.labels[i]] / temperature);
  }
}

}  // namespace

std::optional<double> negative_log_likelihood(const LogitSet& set, double temperature) {
  if (set.size() == 0) return std::nullopt;
  double total = 0;
  for_each_softmax(set, temperature, [&](const std::vector<double>&, int, double nll) { total += nll; });
  return total / double(set.size());
}

ReliabilityDiagram reliability(const LogitSet& set, double temperature) {
  ReliabilityDiagram diagram;
  for_each_softmax(set, temperature, [&](const std::vector<double>& p, int label, double) {
    const auto top = std::max_element(p.begin(), p.end());
    diagram.add(*top, top - p.begin() == label);
  });
  return diagram;
}

TemperatureFit fit_temperature(const LogitSet& set) {
  if (set.size() == 0) throw Error("temperature scaling: no labelled pixels to fit on");
  auto nll = [&](double log_t) { return *negative_log_likelihood(set, std::exp(log_t)); };
  const double ratio = (std::sqrt(5.0) - 1) / 2;
  double a = std::log(0.05), b = std::log(20.0);
  double c = b - ratio * (b - a), d = a + ratio * (b - a);
  double fc = nll(c), fd = nll(d);
  while (b - a > 1e-5) {  // T to a relative 1e-5
    if (fc < fd) {
      b = d, d = c, fd = fc;
      c = b - ratio * (b - a), fc = nll(c);
    } else {
      a = c, c = d, fc = fd;
      d = a + ratio * (b - a), fd = nll(d);
    }
  }
  TemperatureFit fit;
  fit.temperature = std::exp((a + b) / 2);
  fit.pixels = set.size();
  fit.nll_before = nll(0.0);
  fit.nll_after = nll(std::log(fit.temperature));
  const ReliabilityDiagram before = reliability(set, 1.0), after = reliability(set, fit.temperature);
  fit.ece_before = before.ece();
  fit.mce_before = before.mce();
  fit.ece_after = after.ece();
  fit.mce_after = after.mce();
  return fit;
}

}  // namespace xnet::metrics
