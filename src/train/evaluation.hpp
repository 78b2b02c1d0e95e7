#pragma once
// Scoring a network on cached samples at the network's input size: the validation figures of
// every epoch (loss, accuracy, weighted F1) and the test metrics at the end, measured as
// `xnet evaluate` measures (metrics/measurement.hpp), here on the images as the network saw them.
#include <filesystem>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "train/batch_loader.hpp"
#include "train/loss.hpp"
#include "train/sample_cache.hpp"

namespace xnet {

// Batch tensors on `device`: images N x 1 x S x S float, labels N x S x S int64, weights
// N x S x S float (undefined when the batch has none).
struct BatchTensors {
  torch::Tensor images, labels, weights;
};
BatchTensors to_tensors(Batch& batch, const torch::Device& device);

struct ValidationScores {
  double loss = 0, accuracy = 0, weighted_f1 = 0;
};

// Mean loss per image (without L2), pixel accuracy and support-weighted F1 over `indices`.
// `reduce`, when given, sums the counts (loss sum, images, confusion matrix) over the processes
// of a distributed run, each of which validated its own share of the images, before the
// figures are taken from them.
ValidationScores validate(torch::nn::Module& net,
                          const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                          const std::vector<CachedSample>& cache, const std::vector<int>& indices,
                          const LossOptions& loss, int classes, int batch_size,
                          const torch::Device& device,
                          const std::function<void(std::vector<double>&)>& reduce = {});

// Writes out/metrics.json (contract.md) for cache[indices] and out/examples/ with the
// `examples` best and worst images (metrics/measurement.hpp); returns the metrics.json.
nlohmann::json test_metrics(torch::nn::Module& net,
                            const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                            const std::vector<CachedSample>& cache, const std::vector<int>& indices,
                            int classes, int batch_size, const torch::Device& device,
                            const std::filesystem::path& out, int examples);

}  // namespace xnet
