#pragma once
// The one measurement of segmented images against their labels, whoever segmented them:
// training's test split at the network's input size (train/evaluation.hpp) and `xnet evaluate`
// / `xnet baseline` at full resolution (predict/evaluation.hpp) differ only in the images they
// hand in. It accumulates contract.md's metrics and keeps the best and worst images by weighted
// F1 (accuracy breaks ties), and writes both in the layout `xnet report` reads
// (report/run_folder.hpp): OUT/metrics.json and OUT/examples/. Boundary figures
// (metrics/boundary.hpp) are measured at the resolution of the label maps handed in.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "metrics/boundary.hpp"
#include "metrics/metrics.hpp"

namespace xnet::metrics {

struct SegmentedImage {
  std::string name, category;
  cv::Mat gray8;      // CV_8U, the radiograph as a person sees it (bone bright)
  cv::Mat truth;      // CV_8U labels, 255 = not labelled
  cv::Mat predicted;  // CV_8U labels, the size of truth
  std::optional<double> mm_per_pixel = std::nullopt;  // pixel spacing, where the file gives one
};

// One image's pixel accuracy and support-weighted F1 (labels 255 left out; 1 and 1 for an
// image with no labelled pixel).
struct ImageScore {
  double accuracy = 1, weighted_f1 = 1;
};
ImageScore score_image(const cv::Mat& truth, const cv::Mat& predicted, int classes);

class Measurement {
 public:
  // classes 3 or 4 (metrics.hpp); examples: how many best and how many worst images to keep;
  // boundary_tolerance_px: the boundary F1's tolerance (issue 17's default, 2 px).
  Measurement(int classes, int examples, double boundary_tolerance_px = 2.0);

  // probabilities: one CV_32F map per class, the size of truth. Throws as
  // MetricsAccumulator::add does.
  void add(const SegmentedImage& image, const std::vector<cv::Mat>& probabilities);

  Metrics result() const { return metrics_.result(); }
  std::vector<BoundaryFigures> boundaries() const { return boundary_.result(); }

  // metrics.json: metrics::to_json of result() with, per class, boundary_f1, boundary_precision,
  // boundary_recall, hd95_px, hd95_mm, and "boundary_tolerance_px".
  nlohmann::json json() const;
  // format_table of result() and a table of the boundary figures.
  std::string table() const;

  // Writes out/metrics.json (json()) and, when examples are
  // kept, out/examples/{best,worst}_N_{image,truth,prediction,errors}.png and _N.json, each
  // file atomically. Returns the metrics.json written.
  nlohmann::json write(const std::filesystem::path& out) const;

 private:
  struct Example {
    SegmentedImage image;
    ImageScore score;
  };
  void keep(std::vector<Example>& list, const Example& e, bool best);

  int examples_;
  MetricsAccumulator metrics_;
  BoundaryAccumulator boundary_;
  std::vector<Example> best_, worst_;  // best_[0] the very best, worst_[0] the very worst
};

}  // namespace xnet::metrics
