#include "evaluation/evaluation.hpp"

#include <optional>

#include "core/error.hpp"
#include "core/labels.hpp"
#include "core/progress.hpp"
#include "data/dataset.hpp"
#include "metrics/measurement.hpp"
#include "predict/prediction_outputs.hpp"
#include "data/split.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

bool measures_collimator(const Segmenter& segmenter) {
  const auto& o = segmenter.options();
  return segmenter.classes().size() > label::collimator || (!o.network_only && o.detect_collimator);
}

}  // namespace

std::vector<cv::Mat> measured_probabilities(const Segmentation& s, int classes) {
  std::vector<cv::Mat> p = s.probabilities;
  if (static_cast<int>(p.size()) >= classes) return p;
  const cv::Mat outside = s.labels == label::collimator;  // only the detector writes 3 here
  cv::Mat collimator;
  outside.convertTo(collimator, CV_32F, 1.0 / 255.0);
  for (auto& map : p) map.setTo(0.0f, outside);
  p.push_back(collimator);
  return p;
}

Evaluation evaluate_model(const Segmenter& segmenter, const fs::path& model_file, const fs::path& data,
                          const EvaluateOptions& options) {
  const Dataset dataset = load_dataset(data);
  return evaluate_samples([&](const Radiograph& r, const std::string& category) { return segmenter.segment(r, category); },
                          measures_collimator(segmenter) ? 4 : 3, select_split(dataset, model_file, options.split),
                          options);
}

Evaluation evaluate_samples(const SegmentFunction& segment, int classes, const std::vector<Sample>& samples,
                            const EvaluateOptions& options) {
  const bool training_run = fs::exists(options.out / "history.csv") || fs::exists(options.out / "checkpoint.pt");
  if (training_run && fs::exists(options.out / "metrics.json") && !options.replace_run_metrics)
    throw file_error(options.out / "metrics.json",
                     "is the training run's own test result; give another --out (e.g. " +
                         (options.out / "evaluation").string() + ") or --replace-run-metrics");
  metrics::Measurement measurement(classes, options.examples, options.boundary_tolerance);
  std::optional<Progress> progress;
  if (options.show_progress) progress.emplace("evaluate", samples.size());
  for (const auto& sample : samples) {
    auto [radiograph, truth] = read_labelled(sample);  // sizes checked against each other
    if (classes == 3) truth.setTo(label::ignore, truth == label::collimator);
    const Segmentation s = segment(radiograph, sample.category);
    std::optional<double> mm_per_pixel;
    if (const auto& spacing = radiograph.pixel_spacing_mm) mm_per_pixel = 0.5 * ((*spacing)[0] + (*spacing)[1]);
    measurement.add({sample.name, sample.category, display_gray8(radiograph, s.polarity), truth, s.labels,
                     mm_per_pixel},
                    measured_probabilities(s, classes));
    if (progress) progress->advance();
  }
  if (progress) progress->finish();
  const nlohmann::json metrics = measurement.write(options.out);
  return {metrics, measurement.table()};
}

}  // namespace xnet
