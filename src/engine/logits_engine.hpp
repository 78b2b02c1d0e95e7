#pragma once
// What runs a trained network for the Segmenter: the preprocessed input in, logits out. Two
// implementations: LibTorch's (model/torch_engine, every architecture and device) and
// oneDNN's (engine/xnet_onednn, XNet on the CPU without loading LibTorch at all).
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "engine/model_description.hpp"

namespace xnet::engine {

struct EngineOptions {
  std::string device = "auto";     // auto|cpu|cuda
  int threads = 0;                 // 0 = all cores
  std::size_t expected_images = 0;  // images this engine will see (0 = many)
};

class LogitsEngine {
 public:
  virtual ~LogitsEngine() = default;
  virtual const model::ModelFile& model() const = 0;
  // CV_32FC1 H x W (the network input) -> one CV_32F H x W map of logits per class. Safe to
  // call from several threads at once (each call has its own activations and scratchpad).
  virtual std::vector<cv::Mat> logits(const cv::Mat& input) const = 0;
  // Compute threads of the calling thread (OpenMP keeps the count per thread): a batch
  // segments several images side by side, one thread each.
  virtual void use_threads(int threads) const = 0;
  virtual std::string name() const = 0;
};

using EngineFactory = std::unique_ptr<LogitsEngine> (*)(const std::filesystem::path& model_file,
                                                        const EngineOptions& options);

// A cheap look at a run before it starts (no weights read, no image): throws what the
// factory would throw for this model and these options, as far as it can tell.
using EnginePreflight = void (*)(const std::filesystem::path& model_file, const EngineOptions& options);

// The program's engine: each executable sets the one it links (cli/main.cpp, tests).
void set_default_engine(EngineFactory factory, EnginePreflight preflight = nullptr);
// Throws Error when no engine was set.
EngineFactory default_engine();
// Runs the default engine's preflight, if it has one.
void preflight_default_engine(const std::filesystem::path& model_file, const EngineOptions& options);

}  // namespace xnet::engine
