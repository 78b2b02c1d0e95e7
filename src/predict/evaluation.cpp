#include "predict/evaluation.hpp"

#include <algorithm>
#include <optional>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/labels.hpp"
#include "core/progress.hpp"
#include "data/dataset.hpp"
#include "eval/metrics.hpp"
#include "infer/overlay.hpp"
#include "io/png_file.hpp"
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

namespace {

struct Example {
  double accuracy;
  std::string name, category;
  cv::Mat gray8, truth, predicted;
};

double image_accuracy(const cv::Mat& truth, const cv::Mat& predicted) {
  const cv::Mat counted = truth != label::ignore;
  const double n = cv::countNonZero(counted);
  if (n == 0) return 1.0;
  return cv::countNonZero((truth == predicted) & counted) / n;
}

// Keeps the `keep` best and worst images seen so far (ties: first seen stays).
class ExampleSelection {
 public:
  explicit ExampleSelection(int keep) : keep_(keep) {}
  void offer(const Example& e) {
    insert(best_, e, [](const Example& a, const Example& b) { return a.accuracy > b.accuracy; });
    insert(worst_, e, [](const Example& a, const Example& b) { return a.accuracy < b.accuracy; });
  }
  const std::vector<Example>& best() const { return best_; }
  const std::vector<Example>& worst() const { return worst_; }

 private:
  template <typename Better>
  void insert(std::vector<Example>& list, const Example& e, Better better) {
    list.insert(std::upper_bound(list.begin(), list.end(), e, better), e);
    if (static_cast<int>(list.size()) > keep_) list.pop_back();
  }
  int keep_;
  std::vector<Example> best_, worst_;
};

// Where prediction and truth differ, red on the gray image (ignored pixels never count).
cv::Mat error_map(const Example& e) {
  cv::Mat shown;
  cv::merge(std::vector<cv::Mat>(3, e.gray8), shown);
  shown.setTo(cv::Scalar(0, 0, 255), (e.truth != e.predicted) & (e.truth != label::ignore));
  return shown;
}

// report/run_folder.hpp's layout: examples/{best,worst}_N_{image,truth,prediction,errors}.png
// and {best,worst}_N.json, N = 1 the very best / worst.
void write_examples(const fs::path& dir, const std::string& kind, const std::vector<Example>& examples) {
  for (std::size_t i = 0; i < examples.size(); ++i) {
    const auto& e = examples[i];
    const std::string prefix = (dir / (kind + "_" + std::to_string(i + 1))).string();
    write_png(prefix + "_image.png", e.gray8);
    write_png(prefix + "_truth.png", colour_overlay(e.gray8, e.truth));
    write_png(prefix + "_prediction.png", colour_overlay(e.gray8, e.predicted));
    write_png(prefix + "_errors.png", error_map(e));
    const nlohmann::json caption = {{"image", e.name}, {"category", e.category}, {"accuracy", e.accuracy}};
    write_text_atomically(prefix + ".json", caption.dump(2) + "\n");
  }
}

}  // namespace

Evaluation evaluate_model(const Segmenter& segmenter, const fs::path& model_file, const fs::path& data,
                          const EvaluateOptions& options) {
  const Dataset dataset = load_dataset(data);
  return evaluate_samples([&](const Radiograph& r, const std::string& category) { return segmenter.segment(r, category); },
                          measures_collimator(segmenter) ? 4 : 3, select_split(dataset, model_file, options.split),
                          options);
}

Evaluation evaluate_samples(const SegmentFunction& segment, int classes, const std::vector<Sample>& samples,
                            const EvaluateOptions& options) {
  eval::MetricsAccumulator metrics(classes);
  ExampleSelection examples(options.examples);
  std::optional<Progress> progress;
  if (options.show_progress) progress.emplace("evaluate", samples.size());
  for (const auto& sample : samples) {
    auto [radiograph, truth] = read_labelled(sample);  // sizes checked against each other
    if (classes == 3) truth.setTo(label::ignore, truth == label::collimator);
    const Segmentation s = segment(radiograph, sample.category);
    metrics.add(truth, s.labels, measured_probabilities(s, classes), sample.category);
    if (options.examples > 0)
      examples.offer({image_accuracy(truth, s.labels), sample.name, sample.category,
                      display_gray8(radiograph, s.polarity), truth, s.labels});
    if (progress) progress->advance();
  }
  if (progress) progress->finish();

  const auto result = metrics.result();
  Evaluation evaluation{eval::to_json(result), eval::format_table(result)};
  ensure_directory(options.out);
  write_text_atomically(options.out / "metrics.json", evaluation.metrics.dump(2) + "\n");
  if (options.examples > 0) {
    const fs::path dir = options.out / "examples";
    ensure_directory(dir);
    write_examples(dir, "best", examples.best());
    write_examples(dir, "worst", examples.worst());
  }
  return evaluation;
}

}  // namespace xnet
