#include "metrics/metrics.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"
#include "core/labels.hpp"

namespace xnet::metrics {
namespace {

// 12 mantissa bits: bins at most 2^-13 wide, 320k bins, 5 MiB per class (score_histogram.hpp).
constexpr int overall_bits = 12;
// Per category: 40k bins (0.6 MiB per class), so twenty categories stay within ~50 MiB; the
// looser error bound is reported with each AUC.
constexpr int category_bits = 9;

void check_inputs(int classes, const cv::Mat& truth, const cv::Mat& predicted,
                  const std::vector<cv::Mat>& probabilities, const std::string& category) {
  const std::string where = "metrics of category '" + category + "': ";
  if (truth.type() != CV_8UC1 || predicted.type() != CV_8UC1)
    throw Error(where + "label maps must be 8-bit single-channel");
  if (truth.size() != predicted.size())
    throw Error(where + "prediction " + std::to_string(predicted.cols) + "x" +
                std::to_string(predicted.rows) + " differs from truth " + std::to_string(truth.cols) +
                "x" + std::to_string(truth.rows));
  if (int(probabilities.size()) != classes)
    throw Error(where + "expected " + std::to_string(classes) + " probability maps, got " +
                std::to_string(probabilities.size()));
  for (const auto& p : probabilities)
    if (p.type() != CV_32FC1 || p.size() != truth.size())
      throw Error(where + "probability maps must be CV_32F and the size of the truth");
}

}  // namespace

MetricsAccumulator::Category::Category(int classes)
    : confusion(classes), scores(classes, ScoreHistogram(category_bits)) {}

MetricsAccumulator::MetricsAccumulator(int classes)
    : classes_(classes), confusion_(classes), reliability_(classes) {
  if (classes != 3 && classes != 4)
    throw Error("metrics: 3 or 4 classes expected, got " + std::to_string(classes));
  scores_.assign(classes, ScoreHistogram(overall_bits));
}

MetricsAccumulator::Category& MetricsAccumulator::category(const std::string& name) {
  auto it = categories_.find(name);
  if (it == categories_.end()) it = categories_.emplace(name, Category(classes_)).first;
  return it->second;
}

void MetricsAccumulator::add(const cv::Mat& truth, const cv::Mat& predicted,
                             const std::vector<cv::Mat>& probabilities, const std::string& name) {
  check_inputs(classes_, truth, predicted, probabilities, name);
  std::lock_guard<std::mutex> lock(mutex_);
  Category& cat = category(name);
  const int k_count = classes_;
  std::vector<const float*> p(k_count);
  for (int y = 0; y < truth.rows; ++y) {
    const std::uint8_t* t_row = truth.ptr<std::uint8_t>(y);
    const std::uint8_t* p_row = predicted.ptr<std::uint8_t>(y);
    for (int k = 0; k < k_count; ++k) p[k] = probabilities[k].ptr<float>(y);
    for (int x = 0; x < truth.cols; ++x) {
      const int t = t_row[x];
      if (t == label::ignore) continue;
      const int guess = p_row[x];
      if (t >= k_count || guess >= k_count)
        throw Error("metrics of category '" + name + "': label " +
                    std::to_string(t >= k_count ? t : guess) + " at (" + std::to_string(x) + ", " +
                    std::to_string(y) + ") in the " + (t >= k_count ? "truth" : "prediction") +
                    " is not one of the " + std::to_string(k_count) + " classes");
      confusion_.at(t, guess) += 1;
      cat.confusion.at(t, guess) += 1;
      int top = 0;
      for (int k = 0; k < k_count; ++k) {
        const float v = p[k][x];
        if (std::isnan(v))
          throw Error("metrics of category '" + name + "': probability map " + std::to_string(k) +
                      " is NaN at (" + std::to_string(x) + ", " + std::to_string(y) + ")");
        if (v > p[top][x]) top = k;
        scores_[k].add(v, t == k);
        cat.scores[k].add(v, t == k);
        reliability_[k].add(v, t == k);
      }
      calibration_.add(p[top][x], top == t);
    }
  }
  ++images_;
  ++cat.images;
}

void MetricsAccumulator::merge(const MetricsAccumulator& other) {
  if (&other == this) return;
  if (other.classes_ != classes_) throw Error("metrics: cannot merge different class counts");
  std::scoped_lock lock(mutex_, other.mutex_);
  images_ += other.images_;
  confusion_.merge(other.confusion_);
  for (int k = 0; k < classes_; ++k) {
    scores_[k].merge(other.scores_[k]);
    reliability_[k].merge(other.reliability_[k]);
  }
  calibration_.merge(other.calibration_);
  for (const auto& [name, theirs] : other.categories_) {
    Category& mine = category(name);
    mine.images += theirs.images;
    mine.confusion.merge(theirs.confusion);
    for (int k = 0; k < classes_; ++k) mine.scores[k].merge(theirs.scores[k]);
  }
}

namespace {

std::vector<std::optional<double>> auc_values(const std::vector<std::optional<AreaUnderCurve>>& aucs) {
  std::vector<std::optional<double>> values;
  for (const auto& a : aucs) values.push_back(a ? std::optional<double>(a->value) : std::nullopt);
  return values;
}

}  // namespace

Metrics MetricsAccumulator::result() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Metrics m;
  m.classes = classes_;
  m.images = images_;
  m.confusion = confusion_;
  m.calibration = calibration_;
  std::vector<std::optional<AreaUnderCurve>> aucs;
  for (int k = 0; k < classes_; ++k) {
    ClassCurves c;
    c.auc = scores_[k].auc();
    c.roc = scores_[k].roc_curve();
    c.reliability = reliability_[k];
    aucs.push_back(c.auc);
    m.curves.push_back(std::move(c));
  }
  m.summary = summarize(confusion_, auc_values(aucs));
  for (const auto& [name, cat] : categories_) {
    CategoryMetrics cm;
    cm.images = cat.images;
    cm.confusion = cat.confusion;
    for (const auto& s : cat.scores) cm.auc.push_back(s.auc());
    cm.summary = summarize(cat.confusion, auc_values(cm.auc));
    m.per_category.emplace(name, std::move(cm));
  }
  return m;
}

}  // namespace xnet::metrics
