#pragma once
// What runs a trained network for the Segmenter: the preprocessed input in, logits out. Two
// implementations: oneDNN's (engine/onednn_network, XNet and U-Net from their layer table on
// the CPU without loading LibTorch at all) and LibTorch's (model/torch_engine, every architecture and device), chosen by
// engine_choice.hpp. A program provides LibTorch's when it links it (xnet-torch, tests); the
// `xnet` launcher, which does not, hands a run that needs it to xnet-torch.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "engine/engine_choice.hpp"
#include "engine/model_description.hpp"

namespace xnet::engine {

struct EngineOptions {
  std::string device = "auto";     // auto|cpu|cuda
  int threads = 0;                 // 0 = all cores
  std::size_t expected_images = 0;  // images this engine will see (0 = many)
  std::string engine = "auto";     // auto|onednn|libtorch
  std::string precision = "auto";  // auto|fp32|bf16
  // Whether LibTorch runs without a start of its own (engine_choice.hpp); unset: whether this
  // program links it. bench says false, to choose as predict's launcher (no LibTorch) does.
  std::optional<bool> libtorch_started;
};

class LogitsEngine {
 public:
  virtual ~LogitsEngine() = default;
  virtual const engine::ModelFile& model() const = 0;
  // CV_32FC1 H x W (the network input) -> one CV_32F H x W map of logits per class. Safe to
  // call from several threads at once (each call has its own activations and scratchpad).
  virtual std::vector<cv::Mat> logits(const cv::Mat& input) const = 0;
  // Compute threads of the calling thread (OpenMP keeps the count per thread): a batch
  // segments several images side by side, one thread each.
  virtual void use_threads(int threads) const = 0;
  // What runs, as chosen (the device resolved where the engine knows it).
  virtual const EngineChoice& choice() const = 0;
};

using EngineFactory = std::unique_ptr<LogitsEngine> (*)(const std::filesystem::path& model_file,
                                                        const EngineOptions& options, const EngineChoice& choice);

// LibTorch's engine, where the program links it, and whether its LibTorch sees a GPU.
void provide_libtorch(EngineFactory factory, bool (*cuda_available)());
// For a program without LibTorch: what hands the whole run to one with it (never returns),
// and whether that program could have a GPU.
void provide_hand_off(void (*hand_off)(), bool cuda_possible);

// The engine a run gets (engine_choice.hpp), from the model's description (data.pkl, a few
// kB: no weights read) and the options. Where the choice is LibTorch and this program has
// none, the run is handed off here, before any image is read.
EngineChoice plan_engine(const std::filesystem::path& model_file, const EngineOptions& options);

// plan_engine, then the chosen engine opened.
std::unique_ptr<LogitsEngine> open_engine(const std::filesystem::path& model_file, const EngineOptions& options);

}  // namespace xnet::engine
