#pragma once
// Confusion matrix (rows truth, columns prediction) and the per-class figures derived from it:
// one definition of precision, recall, F1, IoU and their support-weighted averages, shared by
// the metrics and the soft-tissue threshold search.
#include <cstdint>
#include <optional>
#include <vector>

namespace xnet::metrics {

class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(int classes) : classes_(classes), counts_(classes * classes, 0) {}
  int classes() const { return classes_; }
  std::uint64_t& at(int truth, int predicted) { return counts_[truth * classes_ + predicted]; }
  std::uint64_t at(int truth, int predicted) const { return counts_[truth * classes_ + predicted]; }
  void merge(const ConfusionMatrix& other);
  std::uint64_t total() const;
  std::uint64_t correct() const;
  std::uint64_t support(int k) const;    // row sum: pixels whose truth is k
  std::uint64_t predicted(int k) const;  // column sum

 private:
  int classes_;
  std::vector<std::uint64_t> counts_;
};

// A figure that does not exist (0/0, an absent class) is none: JSON null, never a made-up number.
struct ClassFigures {
  std::optional<double> precision, recall, f1, iou, auc;
  std::uint64_t support = 0, predicted = 0;
};

struct Summary {
  std::optional<double> accuracy;
  std::vector<ClassFigures> per_class;
  // Support-weighted means over the classes present in the truth; a figure that is none for a
  // present class (precision of a class never predicted, AUC without negatives) is left out and
  // the weights of the others renormalised. support = all counted pixels.
  ClassFigures weighted;
};

// aucs: one per class (none where unknown), or empty for none at all.
Summary summarize(const ConfusionMatrix& confusion, const std::vector<std::optional<double>>& aucs);

}  // namespace xnet::metrics
