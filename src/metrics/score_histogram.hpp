#pragma once
// One-vs-rest ROC of one class over pixels, from ScoreBins histograms of the class probability
// for positive (truth == class) and negative pixels: memory-bounded whatever the pixel count.
//
// Error bound of the AUC: pairs (positive, negative) in different bins are ordered exactly as
// their probabilities; pairs in the same bin are counted as ties (1/2), where the exact AUC
// counts 0, 1/2 or 1. Hence |AUC_hist - AUC_exact| <= 1/2 * sum_b pos_b * neg_b / (P * N),
// which auc() returns alongside the value (bins holding a single float value left out of the
// sum: their ties are exact). With 12 mantissa bits a bin is at most 2^-13 wide
// (near 0.5, narrower towards 0 and 1), so for probability densities f_pos, f_neg the bound is
// about 2^-14 * integral(f_pos * f_neg) < 1e-4 unless both classes crowd into the same
// sub-1e-4 interval; the bound is reported so such a case is visible, not hidden.
#include <cstdint>
#include <optional>
#include <vector>

#include "metrics/score_bins.hpp"

namespace xnet::metrics {

struct AreaUnderCurve {
  double value = 0.0;
  double error_bound = 0.0;  // |value - exact AUC| <= error_bound
};

struct RocPoint {
  double threshold;  // positive iff p >= threshold
  double fpr, tpr;
};

class ScoreHistogram {
 public:
  explicit ScoreHistogram(int mantissa_bits = 12);

  void add(float p, bool positive) { (positive ? positive_ : negative_)[bins_.index(p)] += 1; }
  void merge(const ScoreHistogram& other);

  std::uint64_t positives() const;
  std::uint64_t negatives() const;
  // None without both positives and negatives (AUC undefined).
  std::optional<AreaUnderCurve> auc() const;
  // From (0,0) to (1,1), thresholds descending, thinned so consecutive points are at least
  // 1/max_points apart in fpr + tpr (corners kept): enough to draw, small enough for JSON.
  std::vector<RocPoint> roc_curve(int max_points = 200) const;

  const ScoreBins& bins() const { return bins_; }
  const std::vector<std::uint64_t>& positive_counts() const { return positive_; }
  const std::vector<std::uint64_t>& negative_counts() const { return negative_; }

 private:
  ScoreBins bins_;
  std::vector<std::uint64_t> positive_, negative_;
};

}  // namespace xnet::metrics
