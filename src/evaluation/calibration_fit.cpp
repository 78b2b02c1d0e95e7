#include "evaluation/calibration_fit.hpp"

#include <cmath>
#include <optional>
#include <sstream>

#include "core/labels.hpp"
#include "core/progress.hpp"
#include "data/dataset.hpp"
#include "predict/model_thresholds.hpp"
#include "data/split.hpp"
#include "preprocess/preprocessing.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

// Each sample's radiograph and the truth the model can be measured on: a 3-class model
// cannot name the collimator, so its pixels are left out there.
template <typename Step>
void for_each_sample(const std::vector<Sample>& samples, int classes, const char* what, bool show_progress,
                     Step step) {
  std::optional<Progress> progress;
  if (show_progress) progress.emplace(what, samples.size());
  for (const auto& sample : samples) {
    auto [radiograph, truth] = read_labelled(sample);
    if (classes <= label::collimator) truth.setTo(label::ignore, truth == label::collimator);
    step(sample, radiograph, truth);
    if (progress) progress->advance();
  }
  if (progress) progress->finish();
}

}  // namespace

Calibration calibrate_model(const fs::path& model_file, const fs::path& data,
                            const SegmenterOptions& segmenter_options, const CalibrateOptions& options) {
  const Segmenter segmenter(model_file, segmenter_options);
  const int classes = static_cast<int>(segmenter.classes().size());
  const Dataset dataset = load_dataset(data);
  const auto samples = select_split(dataset, model_file, options.split);
  Calibration result;
  result.images = samples.size();

  // Pass 1: temperature from a uniform sample of pixels at the network's resolution.
  metrics::LogitReservoir reservoir(classes, options.max_pixels);
  for_each_sample(samples, classes, "calibrate: temperature", options.show_progress,
                  [&](const Sample&, const Radiograph& r, const cv::Mat& truth) {
    const auto out = segmenter.network_logits(r);
    reservoir.add(out.logits, resize_labels(truth, out.logits.front().size()));
  });
  result.temperature = metrics::fit_temperature(reservoir.sample());

  // Pass 2: soft-tissue thresholds on the tempered, upsampled probabilities (what predict decides on).
  metrics::SoftTissueThresholdSearch search(classes);
  for_each_sample(samples, classes, "calibrate: thresholds", options.show_progress,
                  [&](const Sample& s, const Radiograph& r, const cv::Mat& truth) {
    const auto out = segmenter.network_logits(r);
    const auto p = upsample_probabilities(tempered_softmax(out.logits, result.temperature.temperature), r.pixels.size());
    search.add(p, truth, s.category);
  });
  result.thresholds = search.choose({options.max_fpr});

  auto& table = result.table;
  table.global = result.thresholds.global.threshold;
  for (const auto& [category, point] : result.thresholds.per_category)
    if (!point.from_global) table.per_category[category] = point.threshold;
  std::ostringstream criterion;
  if (options.max_fpr) criterion << "max_fpr " << *options.max_fpr; else criterion << "best_f1";
  table.criterion = criterion.str();

  result.split = options.split;
  return result;
}

void store_calibration(const Calibration& c, engine::ModelFile& meta) {
  meta.calibration["temperature"] = c.temperature.temperature;
  meta.calibration["fitted_on"] = {{"split", c.split}, {"images", c.images}, {"pixels", c.temperature.pixels}};
  store_soft_tissue_thresholds(meta.thresholds, c.table);
}

std::string format_calibration(const Calibration& c) {
  const auto figure = [](const std::optional<double>& v) {
    std::ostringstream s;
    if (v) s.precision(4), s << std::fixed << *v; else s << "n/a";
    return s.str();
  };
  std::ostringstream out;
  const auto& t = c.temperature;
  out << "temperature " << figure(t.temperature) << " (fitted on " << t.pixels << " pixels of " << c.images
      << " images)\n"
      << "  NLL " << figure(t.nll_before) << " -> " << figure(t.nll_after) << ", ECE " << figure(t.ece_before)
      << " -> " << figure(t.ece_after) << ", MCE " << figure(t.mce_before) << " -> " << figure(t.mce_after) << "\n";
  const auto point = [&](const std::string& name, const metrics::SoftTissueOperatingPoint& p) {
    out << "  " << name << ": t = " << figure(p.threshold) << "  FPR " << figure(p.fpr) << "  TPR " << figure(p.tpr)
        << "  F1 " << figure(p.f1) << (p.from_global ? "  (too little data: global threshold)" : "") << "\n";
  };
  out << "soft-tissue threshold (" << (c.thresholds.criterion.max_fpr ? "max FPR " + figure(c.thresholds.criterion.max_fpr) : "best F1")
      << ")\n";
  point("global", c.thresholds.global);
  for (const auto& [category, p] : c.thresholds.per_category) point(category, p);
  return out.str();
}

}  // namespace xnet
