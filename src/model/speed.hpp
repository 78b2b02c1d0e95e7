#pragma once
// `xnet bench`: training and inference speed of a network, the figures of contract.md.
#include <nlohmann/json.hpp>

#include "model/network.hpp"
#include <cstddef>
#include <string>

#include "model/runtime.hpp"

namespace xnet::model {

struct SpeedOptions {
  engine::NetworkSpec network;
  int input_size = 200;   // reference.md: 200x200 inputs
  int batch_size = 8;     // training batch, as the PyTorch anchor
  int train_steps = 5;    // timed, after one warm-up step; 0: inference only
  int infer_steps = 10;   // timed, batch 1, after one warm-up pass
  std::string device = "auto";     // auto|cpu|cuda
  int threads = 0;                 // 0 = all cores
  // Inference runs on the engine predict would choose for a run of this many images, with
  // these requests (engine/engine_choice.hpp).
  std::size_t images = 1;
  std::string engine = "auto";
  std::string precision = "auto";
};

// {"architecture", "parameters", "gflop_per_image", "train_images_per_s",
//  "infer_ms_per_image", "engine", "precision", "cpu_isa", ...}: medians of the timed steps.
nlohmann::json measure_speed(const SpeedOptions& options);

}  // namespace xnet::model
