#pragma once
// RUN/checkpoint.pt: everything a resumed run needs after a finished epoch - the network's
// weights and buffers, the optimiser's state (moments, step counts), and the trainer's state as
// JSON (epoch, schedule, early stopping, elapsed time, history, split, options). Written
// atomically, so an interruption while saving leaves the previous checkpoint intact.
#include <filesystem>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

namespace xnet {

void save_checkpoint(const std::filesystem::path& file, const torch::nn::Module& net,
                     const torch::optim::Optimizer& optimizer, const nlohmann::json& state);

// The trainer state of a checkpoint, without touching any network (to rebuild the options).
nlohmann::json read_checkpoint_state(const std::filesystem::path& file);

// Restores weights into `net` and the optimiser's state; returns the trainer state.
nlohmann::json load_checkpoint(const std::filesystem::path& file, torch::nn::Module& net,
                               torch::optim::Optimizer& optimizer, const torch::Device& device);

}  // namespace xnet
