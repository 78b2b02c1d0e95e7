#pragma once
// The one measurement of segmented images against their labels, whoever segmented them:
// training's test split at the network's input size (train/evaluation.hpp) and `xnet evaluate`
// / `xnet baseline` at full resolution (predict/evaluation.hpp) differ only in the images they
// hand in. It accumulates contract.md's metrics and keeps the best and worst images by weighted
// F1 (accuracy breaks ties), and writes both in the layout `xnet report` reads
// (report/run_folder.hpp): OUT/metrics.json and OUT/examples/.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "eval/metrics.hpp"

namespace xnet::eval {

struct SegmentedImage {
  std::string name, category;
  cv::Mat gray8;      // CV_8U, the radiograph as a person sees it (bone bright)
  cv::Mat truth;      // CV_8U labels, 255 = not labelled
  cv::Mat predicted;  // CV_8U labels, the size of truth
};

// One image's pixel accuracy and support-weighted F1 (labels 255 left out; 1 and 1 for an
// image with no labelled pixel).
struct ImageScore {
  double accuracy = 1, weighted_f1 = 1;
};
ImageScore score_image(const cv::Mat& truth, const cv::Mat& predicted, int classes);

class Measurement {
 public:
  // classes 3 or 4 (metrics.hpp); examples: how many best and how many worst images to keep.
  Measurement(int classes, int examples);

  // probabilities: one CV_32F map per class, the size of truth. Throws as
  // MetricsAccumulator::add does.
  void add(const SegmentedImage& image, const std::vector<cv::Mat>& probabilities);

  Metrics result() const { return metrics_.result(); }

  // Writes out/metrics.json (with `json`, eval::to_json of result()) and, when examples are
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
  std::vector<Example> best_, worst_;  // best_[0] the very best, worst_[0] the very worst
};

}  // namespace xnet::eval
