#pragma once
// Segmentation metrics of contract.md's metrics.json, accumulated one image at a time with
// memory that does not grow with the pixel count (histograms, not pixel lists): hundreds of
// millions of pixels cost the same few tens of MiB.
//
// Parallel use: give each worker its own MetricsAccumulator and merge() them into one; add()
// and merge() lock, so merging into a shared total from several threads is safe too.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "metrics/confusion.hpp"
#include "metrics/reliability.hpp"
#include "metrics/score_histogram.hpp"

namespace xnet::metrics {

struct ClassCurves {
  std::optional<AreaUnderCurve> auc;  // none when the class has no positives or no negatives
  std::vector<RocPoint> roc;          // down-sampled, for plots
  ReliabilityDiagram reliability;     // one-vs-rest: confidence p(class), hit truth == class
};

struct CategoryMetrics {
  std::uint64_t images = 0;
  ConfusionMatrix confusion{3};
  std::vector<std::optional<AreaUnderCurve>> auc;  // per class (coarser bins, bound reported)
  Summary summary;
};

struct Metrics {
  int classes = 3;
  std::uint64_t images = 0;
  ConfusionMatrix confusion{3};  // pixels, rows truth, columns prediction; 255 left out
  Summary summary;               // accuracy, per class, support-weighted
  std::vector<ClassCurves> curves;  // per class
  // Top-class calibration: confidence = max probability (reference.md), hit = its argmax is
  // the truth (Guo et al. 2017). The argmax, not the post-processed label: the probabilities
  // are what is calibrated.
  ReliabilityDiagram calibration;
  std::map<std::string, CategoryMetrics> per_category;

  std::uint64_t pixels() const { return confusion.total(); }
};

class MetricsAccumulator {
 public:
  // classes: 3 (open beam, soft tissue, bone) or 4 (+ collimator), contract.md.
  explicit MetricsAccumulator(int classes);
  MetricsAccumulator(const MetricsAccumulator&) = delete;
  MetricsAccumulator& operator=(const MetricsAccumulator&) = delete;

  // truth, predicted: CV_8U label maps of one size; truth 255 = ignored. probabilities: one
  // CV_32F map per class, same size. Throws xnet::Error on a size, type or label mismatch
  // (naming the category) and on NaN probabilities.
  void add(const cv::Mat& truth, const cv::Mat& predicted, const std::vector<cv::Mat>& probabilities,
           const std::string& category);
  void merge(const MetricsAccumulator& other);
  Metrics result() const;
  int classes() const { return classes_; }

 private:
  struct Category {
    explicit Category(int classes);
    std::uint64_t images = 0;
    ConfusionMatrix confusion;
    std::vector<ScoreHistogram> scores;  // per class
  };
  Category& category(const std::string& name);

  int classes_;
  std::uint64_t images_ = 0;
  ConfusionMatrix confusion_;
  std::vector<ScoreHistogram> scores_;            // per class, fine bins
  std::vector<ReliabilityDiagram> reliability_;   // per class, one-vs-rest
  ReliabilityDiagram calibration_;
  std::map<std::string, Category> categories_;
  mutable std::mutex mutex_;
};

// contract.md's metrics.json, plus keys the report uses:
//   per_class.K.{predicted, auc_error_bound}, per_category.C.{pixels, per_class},
//   "reliability".K.{confidence, accuracy, ece, mce, bins} (one-vs-rest reliability per class),
//   "roc".K.{fpr, tpr, threshold} (down-sampled curve points), "auc_bins" (how AUC was binned).
nlohmann::json to_json(const Metrics& metrics);
// A readable table for the terminal: per class figures, weighted, confusion, per category.
std::string format_table(const Metrics& metrics);

}  // namespace xnet::metrics
