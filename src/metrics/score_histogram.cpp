#include "metrics/score_histogram.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>

namespace xnet::metrics {

ScoreHistogram::ScoreHistogram(int mantissa_bits)
    : bins_(mantissa_bits), positive_(bins_.count()), negative_(bins_.count()) {}

void ScoreHistogram::merge(const ScoreHistogram& other) {
  if (other.bins_.mantissa_bits() != bins_.mantissa_bits())
    throw std::invalid_argument("ScoreHistogram::merge: different bins");
  for (std::size_t b = 0; b < positive_.size(); ++b) {
    positive_[b] += other.positive_[b];
    negative_[b] += other.negative_[b];
  }
}

std::uint64_t ScoreHistogram::positives() const {
  return std::accumulate(positive_.begin(), positive_.end(), std::uint64_t{0});
}

std::uint64_t ScoreHistogram::negatives() const {
  return std::accumulate(negative_.begin(), negative_.end(), std::uint64_t{0});
}

std::optional<AreaUnderCurve> ScoreHistogram::auc() const {
  const double p = double(positives()), n = double(negatives());
  if (p == 0 || n == 0) return std::nullopt;
  // Mann-Whitney: P(score of a positive > score of a negative) + 1/2 P(tie), bin by bin.
  double above = 0, tied = 0, uncertain = 0, negatives_below = 0;
  for (std::size_t b = 0; b < positive_.size(); ++b) {
    const double pos = double(positive_[b]), neg = double(negative_[b]);
    above += pos * negatives_below;
    tied += pos * neg;
    if (pos * neg > 0 && !bins_.single_valued(b)) uncertain += pos * neg;
    negatives_below += neg;
  }
  return AreaUnderCurve{(above + 0.5 * tied) / (p * n), 0.5 * uncertain / (p * n)};
}

std::vector<RocPoint> ScoreHistogram::roc_curve(int max_points) const {
  const double p = double(positives()), n = double(negatives());
  std::vector<RocPoint> curve;
  if (p == 0 || n == 0) return curve;
  const double step = 1.0 / std::max(max_points, 2);
  curve.push_back({std::nextafter(1.0, 2.0), 0.0, 0.0});  // nothing called positive
  double tp = 0, fp = 0;
  for (std::size_t b = positive_.size(); b-- > 0;) {
    if (positive_[b] == 0 && negative_[b] == 0) continue;
    tp += double(positive_[b]);
    fp += double(negative_[b]);
    const RocPoint point{bins_.lower_edge(b), fp / n, tp / p};
    const RocPoint& last = curve.back();
    const bool corner = tp == p && fp == n;  // (1, 1): the last point
    if (corner || std::abs(point.fpr - last.fpr) + std::abs(point.tpr - last.tpr) >= step)
      curve.push_back(point);
    if (corner) break;
  }
  return curve;
}

}  // namespace xnet::metrics
