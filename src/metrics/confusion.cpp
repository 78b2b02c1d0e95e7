#include "metrics/confusion.hpp"

#include <stdexcept>

namespace xnet::metrics {

void ConfusionMatrix::merge(const ConfusionMatrix& other) {
  if (other.classes_ != classes_) throw std::invalid_argument("ConfusionMatrix::merge: classes differ");
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
}

std::uint64_t ConfusionMatrix::total() const {
  std::uint64_t n = 0;
  for (auto c : counts_) n += c;
  return n;
}

std::uint64_t ConfusionMatrix::correct() const {
  std::uint64_t n = 0;
  for (int k = 0; k < classes_; ++k) n += at(k, k);
  return n;
}

std::uint64_t ConfusionMatrix::support(int k) const {
  std::uint64_t n = 0;
  for (int p = 0; p < classes_; ++p) n += at(k, p);
  return n;
}

std::uint64_t ConfusionMatrix::predicted(int k) const {
  std::uint64_t n = 0;
  for (int t = 0; t < classes_; ++t) n += at(t, k);
  return n;
}

namespace {

std::optional<double> ratio(double num, double den) {
  if (den <= 0) return std::nullopt;
  return num / den;
}

// Support-weighted mean of one figure over present classes where it exists.
std::optional<double> weighted_mean(const std::vector<ClassFigures>& per_class,
                                    std::optional<double> ClassFigures::*figure) {
  double sum = 0, weight = 0;
  for (const auto& c : per_class) {
    if (c.support == 0 || !(c.*figure)) continue;
    sum += double(c.support) * *(c.*figure);
    weight += double(c.support);
  }
  return ratio(sum, weight);
}

}  // namespace

Summary summarize(const ConfusionMatrix& confusion, const std::vector<std::optional<double>>& aucs) {
  Summary s;
  const std::uint64_t total = confusion.total();
  s.accuracy = ratio(double(confusion.correct()), double(total));
  for (int k = 0; k < confusion.classes(); ++k) {
    ClassFigures c;
    c.support = confusion.support(k);
    c.predicted = confusion.predicted(k);
    // A class absent from the truth has no figures at all (contract.md: "recall": null and so
    // on); its false positives still show in "predicted" and the confusion matrix.
    if (c.support > 0) {
      const double tp = double(confusion.at(k, k));
      const double fp = double(c.predicted) - tp, fn = double(c.support) - tp;
      c.precision = ratio(tp, tp + fp);
      c.recall = ratio(tp, tp + fn);
      c.f1 = ratio(2 * tp, 2 * tp + fp + fn);
      c.iou = ratio(tp, tp + fp + fn);
      if (std::size_t(k) < aucs.size()) c.auc = aucs[k];
    }
    s.per_class.push_back(c);
  }
  s.weighted.support = total;
  s.weighted.predicted = total;
  for (auto figure : {&ClassFigures::precision, &ClassFigures::recall, &ClassFigures::f1,
                      &ClassFigures::iou, &ClassFigures::auc})
    s.weighted.*figure = weighted_mean(s.per_class, figure);
  return s;
}

}  // namespace xnet::metrics
