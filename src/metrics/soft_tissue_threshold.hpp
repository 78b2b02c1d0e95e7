#pragma once
// Choosing the soft-tissue threshold t of the post-processing in reference.md: a pixel is soft
// tissue only if p(soft tissue) > t, otherwise the larger of the other classes decides. Soft
// tissue false positives are the costly error there, so t is chosen on validation pixels
// either for a target false-positive rate or for the best soft-tissue F1, globally and per
// category (the original set it per body part: 0.6 by default, up to 0.99).
//
// Memory-bounded: per category a histogram over ScoreBins of p(soft tissue) of (truth, argmax of
// the other classes) counts, from which the whole confusion matrix of the rule follows for every
// candidate t (the bin edges, exact float thresholds).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "metrics/confusion.hpp"
#include "metrics/score_histogram.hpp"

namespace xnet::metrics {

struct SoftTissueCriterion {
  // max_fpr set: the lowest t (highest true-positive rate) whose false-positive rate is at
  // most max_fpr; else: the t of the best soft-tissue F1. Ties go to the higher t.
  std::optional<double> max_fpr;
};

struct SoftTissueOperatingPoint {
  double threshold = 0.6;  // soft tissue iff p > threshold (float comparison is exact)
  std::optional<double> fpr, tpr, precision, f1;  // of soft tissue
  std::optional<double> accuracy, weighted_f1;      // of all classes under the rule
  std::uint64_t pixels = 0;
  bool from_global = false;  // the category could not decide (no soft tissue or no negatives)
};

struct SoftTissueThresholds {
  SoftTissueCriterion criterion;
  SoftTissueOperatingPoint global;
  std::map<std::string, SoftTissueOperatingPoint> per_category;
  std::optional<AreaUnderCurve> auc;  // of soft tissue against the rest
  std::vector<RocPoint> roc;          // down-sampled
};

class SoftTissueThresholdSearch {
 public:
  explicit SoftTissueThresholdSearch(int classes);
  // probabilities: one CV_32F map per class; truth: CV_8U, 255 ignored.
  void add(const std::vector<cv::Mat>& probabilities, const cv::Mat& truth,
           const std::string& category);
  void merge(const SoftTissueThresholdSearch& other);
  SoftTissueThresholds choose(const SoftTissueCriterion& criterion) const;

 private:
  // counts[(bin * classes + truth) * classes + argmax of the non-soft classes]
  struct Histogram {
    explicit Histogram(int classes);
    ScoreHistogram roc;
    std::vector<std::uint64_t> counts;
  };
  Histogram& category(const std::string& name);
  std::optional<SoftTissueOperatingPoint> best(const Histogram& h,
                                               const SoftTissueCriterion& criterion) const;

  int classes_;
  ScoreBins bins_;
  Histogram global_;
  std::map<std::string, Histogram> categories_;
};

nlohmann::json to_json(const SoftTissueThresholds& thresholds);

}  // namespace xnet::metrics
