#pragma once
// Learning-rate schedule and early stopping: the small pieces of state a resumed run must get
// back exactly, kept as plain numbers (JSON in the checkpoint). Torch-free.
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

namespace xnet {

// constant; cosine (from base_lr down to min_lr as progress goes 0 -> 1, where progress is the
// larger of the epoch and time fractions, so a --time-limit run still ends annealed);
// plateau (times `factor` after `plateau_patience` epochs without a better validation loss).
class LearningRateSchedule {
 public:
  LearningRateSchedule(std::string kind, double base_lr, double min_lr = 0.0);
  // Learning rate for an epoch starting at progress (0..1).
  double learning_rate(double progress) const;
  // Called after each epoch with its validation loss.
  void end_epoch(double val_loss);

  const std::string& kind() const { return kind_; }
  nlohmann::json state() const;
  void restore(const nlohmann::json& state);

  double factor = 0.5;
  int plateau_patience = 3;

 private:
  std::string kind_;
  double base_lr_, min_lr_;
  double current_lr_;  // plateau only
  double best_ = std::numeric_limits<double>::infinity();
  int bad_epochs_ = 0;
};

// Stop when the validation loss has not improved for `patience` epochs (0 = never stop).
class EarlyStopping {
 public:
  explicit EarlyStopping(int patience) : patience_(patience) {}
  // Records an epoch's validation loss; true when it is the best so far.
  bool improved(double val_loss);
  bool should_stop() const { return patience_ > 0 && since_best_ >= patience_; }
  double best() const { return best_; }
  nlohmann::json state() const;
  void restore(const nlohmann::json& state);

 private:
  int patience_;
  double best_ = std::numeric_limits<double>::infinity();
  int since_best_ = 0;
};

}  // namespace xnet
