#pragma once
// `xnet train`: from a dataset folder to RUN/model.pt, checkpoint.pt, history.csv, split.csv,
// metrics.json and examples/.
//
// One epoch: the balanced sampler (balanced_sampler.hpp) draws the training images, background
// workers augment them from the in-memory cache (batch_loader.hpp) while the network steps;
// then the validation split is scored, a history row and a checkpoint are written, and the
// best model on validation loss becomes RUN/model.pt. The run ends after --epochs, on early
// stopping (--patience), or before --time-limit runs out (the final test evaluation is
// budgeted); then RUN/metrics.json holds the best model's test metrics at the network input
// size.
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "train/train_options.hpp"

namespace xnet {

struct TrainResult {
  nlohmann::json metrics;  // test metrics (contract.md); null when there is no test image
  int epochs = 0;          // finished epochs
  int best_epoch = 0;
  double best_val_loss = 0;
  std::string stopped_by;  // "epochs", "early stopping", "time limit"
  double train_images_per_second = 0;  // this process's
  int rank = 0, processes = 1;  // distributed training: only rank 0 wrote the run
};

// A fresh run into options.out (refuses a folder that already holds a checkpoint).
TrainResult train(const TrainOptions& options);

// What may change when a run is resumed; everything else comes from the checkpoint.
struct ResumeOverrides {
  std::optional<double> time_limit_minutes;  // the run's total budget
  std::optional<int> epochs, threads;
  std::optional<std::string> device;
};

// Continues RUN from its last finished epoch with the same split, optimiser state and schedule.
TrainResult resume_training(const std::filesystem::path& run, const ResumeOverrides& overrides);

// --preview-augment: a grid of augmented training pairs, written as PNG; no training.
void write_training_preview(const TrainOptions& options, const std::filesystem::path& png);

}  // namespace xnet
