#include "train/schedule.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace xnet {

LearningRateSchedule::LearningRateSchedule(std::string kind, double base_lr, double min_lr)
    : kind_(std::move(kind)), base_lr_(base_lr), min_lr_(min_lr), current_lr_(base_lr) {
  if (kind_ != "constant" && kind_ != "cosine" && kind_ != "plateau")
    throw UsageError("unknown --schedule '" + kind_ + "' (constant, cosine, plateau)");
  if (!(base_lr > 0)) throw UsageError("--lr must be positive");
}

double LearningRateSchedule::learning_rate(double progress) const {
  if (kind_ == "plateau") return current_lr_;
  if (kind_ == "constant") return base_lr_;
  const double p = std::clamp(progress, 0.0, 1.0);
  return min_lr_ + 0.5 * (base_lr_ - min_lr_) * (1.0 + std::cos(M_PI * p));
}

void LearningRateSchedule::end_epoch(double val_loss) {
  if (val_loss < best_) {
    best_ = val_loss;
    bad_epochs_ = 0;
  } else if (kind_ == "plateau" && ++bad_epochs_ >= plateau_patience) {
    current_lr_ = std::max(min_lr_, current_lr_ * factor);
    bad_epochs_ = 0;
  }
}

nlohmann::json LearningRateSchedule::state() const {
  return {{"kind", kind_}, {"current_lr", current_lr_}, {"best", std::isfinite(best_) ? nlohmann::json(best_) : nlohmann::json()},
          {"bad_epochs", bad_epochs_}};
}

void LearningRateSchedule::restore(const nlohmann::json& state) {
  current_lr_ = state.at("current_lr").get<double>();
  best_ = state.at("best").is_null() ? std::numeric_limits<double>::infinity()
                                     : state.at("best").get<double>();
  bad_epochs_ = state.at("bad_epochs").get<int>();
}

bool EarlyStopping::improved(double val_loss) {
  if (val_loss < best_) {
    best_ = val_loss;
    since_best_ = 0;
    return true;
  }
  ++since_best_;
  return false;
}

nlohmann::json EarlyStopping::state() const {
  return {{"best", std::isfinite(best_) ? nlohmann::json(best_) : nlohmann::json()},
          {"since_best", since_best_}};
}

void EarlyStopping::restore(const nlohmann::json& state) {
  best_ = state.at("best").is_null() ? std::numeric_limits<double>::infinity()
                                     : state.at("best").get<double>();
  since_best_ = state.at("since_best").get<int>();
}

}  // namespace xnet
