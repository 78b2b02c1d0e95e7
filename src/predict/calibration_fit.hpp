#pragma once
// `xnet calibrate`: fits what a model's probabilities need after training, on the validation
// split, and stores it in the model file (rewritten atomically):
//  - temperature scaling (Guo et al. 2017) on a uniform sample of validation pixels at the
//    network's resolution (memory-bounded by max_pixels);
//  - the soft-tissue threshold of reference.md, globally and per category, on the tempered
//    probabilities upsampled to full resolution exactly as predict sees them.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "eval/calibration.hpp"
#include "eval/soft_tissue_threshold.hpp"
#include "predict/segmenter.hpp"

namespace xnet {

struct CalibrateOptions {
  std::string split = "val";
  std::optional<double> max_fpr;  // set: threshold for this soft-tissue FPR; else best F1
  std::size_t max_pixels = 2'000'000;  // sampled pixels for the temperature fit
  bool show_progress = true;
};

struct Calibration {
  eval::TemperatureFit temperature;
  eval::SoftTissueThresholds thresholds;
  std::size_t images = 0;
};

// Fits on the split of `data` and rewrites model_file with the results.
Calibration calibrate_model(const std::filesystem::path& model_file, const std::filesystem::path& data,
                            const SegmenterOptions& segmenter_options, const CalibrateOptions& options);

// Human-readable before/after figures and the chosen thresholds.
std::string format_calibration(const Calibration& calibration);

}  // namespace xnet
