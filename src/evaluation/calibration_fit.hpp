#pragma once
// `xnet calibrate`: fits what a model's probabilities need after training, on the validation
// split, to be stored in the model file (model::update_model rewrites it atomically):
//  - temperature scaling (Guo et al. 2017) on a uniform sample of validation pixels at the
//    network's resolution (memory-bounded by max_pixels);
//  - the soft-tissue threshold of reference.md, globally and per category, on the tempered
//    probabilities upsampled to full resolution exactly as predict sees them.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "metrics/calibration.hpp"
#include "metrics/soft_tissue_threshold.hpp"
#include "engine/model_description.hpp"
#include "predict/model_thresholds.hpp"
#include "predict/segmenter.hpp"

namespace xnet {

struct CalibrateOptions {
  std::string split = "val";
  std::optional<double> max_fpr;  // set: threshold for this soft-tissue FPR; else best F1
  std::size_t max_pixels = 2'000'000;  // sampled pixels for the temperature fit
  bool show_progress = true;
};

struct Calibration {
  metrics::TemperatureFit temperature;
  metrics::SoftTissueThresholds thresholds;
  SoftTissueThresholdTable table;  // the thresholds as the model file keeps them
  std::string split;
  std::size_t images = 0;
};

// Fits on the split of `data`; the model file is left as it is.
Calibration calibrate_model(const std::filesystem::path& model_file, const std::filesystem::path& data,
                            const SegmenterOptions& segmenter_options, const CalibrateOptions& options);

// The fitted temperature (with what it was fitted on) and thresholds, into a model's description.
void store_calibration(const Calibration& calibration, engine::ModelFile& meta);

// Human-readable before/after figures and the chosen thresholds.
std::string format_calibration(const Calibration& calibration);

}  // namespace xnet
