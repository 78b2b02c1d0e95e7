#pragma once
// `xnet evaluate`: runs the Segmenter over a dataset split exactly as `xnet predict` would
// (same full resolution, thresholds, clean-up and collimator), and counts the result against
// the masks. With SegmenterOptions::network_only it measures the plain argmax instead.
//
// Classes measured: 4 (with collimator) when the model has a collimator class or collimator
// detection is on (predict then writes label 3 outside the field); otherwise 3, and truth
// pixels labelled 3 are left out like 255 (a 3-class argmax cannot name them). With a 3-class
// model and detection on, the collimator "probability" is the detector's decision (1 outside
// the field), and the network's probabilities are zero there: what predict writes.
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "data/dataset.hpp"
#include "predict/segmenter.hpp"

namespace xnet {

struct EvaluateOptions {
  std::string split = "all";  // all|train|val|test (split.csv beside the model)
  std::filesystem::path out = ".";  // metrics.json and examples/ go here
  // A training run's folder (history.csv or checkpoint.pt beside metrics.json) keeps the
  // metrics training wrote unless this is set: evaluate_samples refuses it before any work.
  bool replace_run_metrics = false;
  int examples = 3;  // best and worst images by weighted F1, as overlays for the report
  double boundary_tolerance = 2;  // px, of the boundary F1 (metrics/boundary.hpp; issue 17)
  bool show_progress = true;
};

struct Evaluation {
  nlohmann::json metrics;  // contract.md's metrics.json
  std::string table;       // eval's readable table
};

// The probabilities that match the labels predict writes, `classes` maps: with a 3-class model
// and collimator detection, outside the field the collimator is certain and the network's
// classes are zero.
std::vector<cv::Mat> measured_probabilities(const Segmentation& s, int classes);

// What segments one radiograph of a category: a Segmenter, the classical baseline, ...
using SegmentFunction = std::function<Segmentation(const Radiograph&, const std::string& category)>;

// Each sample segmented by `segment` and measured against its mask (metrics/measurement.hpp, as
// training measures its test split), `classes` 3 or 4 (3: truth pixels labelled 3 are left
// out). Writes out/metrics.json and out/examples/ (atomically) and returns what was written.
Evaluation evaluate_samples(const SegmentFunction& segment, int classes, const std::vector<Sample>& samples,
                            const EvaluateOptions& options);

// evaluate_samples for a model over the split of `data` (split.csv beside the model file).
Evaluation evaluate_model(const Segmenter& segmenter, const std::filesystem::path& model_file,
                          const std::filesystem::path& data, const EvaluateOptions& options);

}  // namespace xnet
