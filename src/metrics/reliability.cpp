#include "metrics/reliability.hpp"

#include <algorithm>
#include <cmath>

namespace xnet::metrics {

void ReliabilityDiagram::merge(const ReliabilityDiagram& other) {
  for (int b = 0; b < bin_count; ++b) {
    bins_[b].confidence += other.bins_[b].confidence;
    bins_[b].hits += other.bins_[b].hits;
    bins_[b].count += other.bins_[b].count;
  }
}

std::uint64_t ReliabilityDiagram::count() const {
  std::uint64_t n = 0;
  for (const auto& bin : bins_) n += bin.count;
  return n;
}

std::optional<double> ReliabilityDiagram::confidence() const {
  const std::uint64_t n = count();
  if (n == 0) return std::nullopt;
  double sum = 0;
  for (const auto& bin : bins_) sum += bin.confidence;
  return sum / double(n);
}

std::optional<double> ReliabilityDiagram::accuracy() const {
  const std::uint64_t n = count();
  if (n == 0) return std::nullopt;
  std::uint64_t hits = 0;
  for (const auto& bin : bins_) hits += bin.hits;
  return double(hits) / double(n);
}

std::optional<double> ReliabilityDiagram::ece() const {
  const std::uint64_t n = count();
  if (n == 0) return std::nullopt;
  double sum = 0;
  for (const auto& bin : bins_)
    sum += std::abs(double(bin.hits) - bin.confidence);  // = n_b * |acc_b - conf_b|
  return sum / double(n);
}

std::optional<double> ReliabilityDiagram::mce() const {
  std::optional<double> worst;
  for (const auto& bin : bins_) {
    if (bin.count == 0) continue;
    const double gap = std::abs(double(bin.hits) - bin.confidence) / double(bin.count);
    worst = std::max(worst.value_or(0.0), gap);
  }
  return worst;
}

std::array<ReliabilityBin, ReliabilityDiagram::bin_count> ReliabilityDiagram::bins() const {
  std::array<ReliabilityBin, bin_count> out;
  for (int b = 0; b < bin_count; ++b) {
    const auto& sums = bins_[b];
    out[b] = {double(b) / bin_count, double(b + 1) / bin_count, std::nullopt, std::nullopt,
              sums.count};
    if (sums.count > 0) {
      out[b].confidence = sums.confidence / double(sums.count);
      out[b].accuracy = double(sums.hits) / double(sums.count);
    }
  }
  return out;
}

}  // namespace xnet::metrics
