#pragma once
// A loaded model applied to one radiograph at a time, at the radiograph's full resolution:
// read -> preprocess (polarity, network input) -> network -> calibrated probabilities upsampled
// to full size -> labels decided (soft-tissue threshold) -> post-processing -> collimator.
// The one path shared by `xnet predict`, `xnet evaluate` and `xnet calibrate`, so that what is
// measured is exactly what is written. The network runs on the program's engine
// (engine::default_engine: LibTorch's or oneDNN's): this library itself needs no LibTorch.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "engine/logits_engine.hpp"
#include "collimator/collimator_field.hpp"
#include "postprocess/postprocess.hpp"
#include "io/radiograph.hpp"
#include "preprocess/polarity.hpp"

namespace xnet {

struct SegmenterOptions {
  std::string device = "auto";   // auto|cpu|cuda
  int threads = 0;               // 0 = all cores
  std::string engine = "auto";     // auto|onednn|libtorch (engine/engine_choice.hpp)
  std::string precision = "auto";  // auto|fp32|bf16
  std::string polarity = "auto";  // auto|raw|display
  // Soft-tissue threshold: this value when given, else the model's for the image's category,
  // else the model's global one, else PostprocessOptions' default (reference.md: 0.6).
  std::optional<double> soft_tissue_threshold;
  // Clean-up switches and parameters (reference.md); the threshold field is filled per image.
  PostprocessOptions postprocess;
  bool detect_collimator = true;
  // Plain argmax of the upsampled probabilities: no threshold, clean-up or collimator
  // detection (`xnet evaluate --network-only`).
  bool network_only = false;
  // Images this segmenter is expected to see (0 = many): a part of the engine choice
  // (engine/engine_choice.hpp).
  std::size_t expected_images = 0;
};

// What the Segmenter's engine is asked for.
engine::EngineOptions engine_options(const SegmenterOptions& options);

// Seconds spent in each stage for one image; read and write are filled by the caller.
struct StageTimings {
  double read = 0, preprocess = 0, network = 0, upsample = 0, postprocess = 0, write = 0;
  double total() const { return read + preprocess + network + upsample + postprocess + write; }
  StageTimings& operator+=(const StageTimings& other);
};

struct Segmentation {
  std::vector<cv::Mat> probabilities;  // CV_32F per class, full resolution, calibrated
  cv::Mat labels;                      // CV_8U full resolution, 0-3 (3 outside the field)
  CollimatorField field;               // input pixel coordinates
  Polarity polarity = Polarity::raw;
  PolaritySource polarity_source = PolaritySource::pixels;
  double soft_tissue_threshold = 0;    // the threshold applied (0 with network_only)
  StageTimings timings;
};

// Logits at the network's input size, for fitting calibration on sampled pixels.
struct NetworkOutput {
  std::vector<cv::Mat> logits;  // CV_32F per class, input_size x input_size, not tempered
  Polarity polarity = Polarity::raw;
};

// Calibrated probabilities: softmax(logits / T) per pixel over the class maps (Guo et al. 2017).
std::vector<cv::Mat> tempered_softmax(const std::vector<cv::Mat>& logits, double temperature);

// What one image may ask for beyond the segmenter's options (a request of `xnet serve`).
struct ImageOptions {
  std::string category;  // picks the model's per-category soft-tissue threshold (empty: global)
  std::optional<std::string> polarity;           // auto|raw|display, else the options' rule
  std::optional<double> soft_tissue_threshold;   // else the options' threshold rule
};

class Segmenter {
 public:
  Segmenter(const std::filesystem::path& model_file, SegmenterOptions options);
  ~Segmenter();
  Segmenter(const Segmenter&) = delete;
  Segmenter& operator=(const Segmenter&) = delete;

  // category picks the model's per-category soft-tissue threshold (empty: the global one).
  Segmentation segment(const Radiograph& radiograph, const std::string& category = "") const;
  Segmentation segment(const Radiograph& radiograph, const ImageOptions& image) const;
  NetworkOutput network_logits(const Radiograph& radiograph) const;

  const SegmenterOptions& options() const;
  const std::vector<std::string>& classes() const;
  const engine::ModelFile& model() const;  // what model.pt says about itself
  int input_size() const;
  double temperature() const;
  double soft_tissue_threshold(const std::string& category) const;
  double load_seconds() const;  // reading the model file and preparing the network
  const engine::EngineChoice& engine() const;  // what runs the network, and why
  // Compute threads of the calling thread, for a batch's workers (LogitsEngine::use_threads).
  void use_threads(int threads) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xnet
