#pragma once
// `xnet bench`: training and inference speed of a network, the figures of contract.md.
#include <nlohmann/json.hpp>

#include "model/network.hpp"
#include "model/runtime.hpp"

namespace xnet::model {

struct SpeedOptions {
  NetworkSpec network;
  int input_size = 200;   // reference.md: 200x200 inputs
  int batch_size = 8;     // training batch, as the PyTorch anchor
  int train_steps = 5;    // timed, after one warm-up step
  int infer_steps = 10;   // timed, batch 1, after one warm-up pass
  torch::Device device = torch::kCPU;
  InferenceOptions inference;
};

// {"architecture", "parameters", "gflop_per_image", "train_images_per_s",
//  "infer_ms_per_image", ...}: medians of the timed steps.
nlohmann::json measure_speed(const SpeedOptions& options);

}  // namespace xnet::model
