#pragma once
// Everything `xnet train` can be told, with the defaults chosen for CPU training of a small
// network on a ~150-300 image dataset (see README of the train stage in trainer.hpp). Stored in
// the checkpoint so that `--resume` continues with the same settings. Torch-free.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/split.hpp"

namespace xnet {

struct TrainOptions {
  std::filesystem::path data, out;

  // Network. The reference is XNet with 64 base filters at 200 px (reference.md); on CPU that
  // is ~200 GFLOP per training image, so the defaults are 16 filters at 128 px (~16x cheaper).
  std::string model = "xnet";
  int base_filters = 16;
  int input_size = 128;
  std::string collimator_class = "auto";  // auto: 4 classes if any mask has label 3 | on | off
  std::filesystem::path init;             // start from a trained model file
  std::string freeze;                     // "" or "encoder"
  // Elongated images as overlapping square windows, not squashed (preprocess/preprocessing.hpp).
  bool square_windows = false;

  // Optimisation. Adam 1e-3 with cosine decay reaches a good model within a 15-minute CPU
  // budget; the reference's RMSprop 1e-4 (--optimizer rmsprop --lr 1e-4) needs many more epochs.
  std::string optimizer = "adam";
  double lr = 0.0;  // 0: 1e-3 for adam, 1e-4 for rmsprop (reference), 1e-2 for sgd
  std::string schedule = "cosine";
  int epochs = 0;   // 0: 60, or 1000 when a time limit decides
  int batch_size = 8;
  int epoch_size = 0;  // draws per epoch (0 = the number of training images)
  int patience = 15;   // early stopping on validation loss (0 = off)
  double time_limit_minutes = 0;  // 0 = none

  // Loss.
  double l2 = 5e-4;  // reference.md
  std::vector<double> class_weights;
  double boundary_weight = 0.0;  // U-Net w0 (0 = off)
  std::string region_loss = "none";  // none | dice | lovasz
  double region_weight = 1.0;

  // Data.
  bool augment = true;
  std::filesystem::path split_file;
  SplitFractions fractions;
  std::uint64_t seed = 1;

  // Machine.
  int threads = 0;
  std::string device = "auto";

  // Reporting.
  int examples = 3;  // best and worst test images written to RUN/examples/
  bool quiet = false;
  // Distributed training (train/distributed.hpp): how long a collective waits for the other
  // processes before the run stops with an error. Not stored in the run: a resumed run takes
  // the command's.
  int dist_timeout_seconds = 120;

  double learning_rate() const;
  int max_epochs() const;
};

void to_json(nlohmann::json& j, const TrainOptions& o);
void from_json(const nlohmann::json& j, TrainOptions& o);

}  // namespace xnet
