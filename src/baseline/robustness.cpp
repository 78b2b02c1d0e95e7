#include "baseline/robustness.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <optional>
#include <random>

#include <opencv2/imgproc.hpp>

#include "core/labels.hpp"
#include "core/progress.hpp"
#include "metrics/metrics.hpp"

namespace xnet {

double estimated_noise(const cv::Mat& pixels, bool signal_dependent) {
  cv::Mat smooth, residual;
  cv::blur(pixels, smooth, cv::Size(3, 3), cv::Point(-1, -1), cv::BORDER_REFLECT);
  residual = pixels - smooth;  // variance (1 - 2/9 + 1/9) sigma^2 = 8/9 sigma^2 for white noise
  std::vector<float> values;
  values.reserve(pixels.total());
  for (int y = 1; y + 1 < pixels.rows; ++y)
    for (int x = 1; x + 1 < pixels.cols; ++x) {
      const float r = std::abs(residual.at<float>(y, x));
      if (!signal_dependent) values.push_back(r);
      else if (smooth.at<float>(y, x) > 0) values.push_back(r / std::sqrt(smooth.at<float>(y, x)));
    }
  if (values.empty()) return 0;
  std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
  return values[values.size() / 2] / 0.6745 / std::sqrt(8.0 / 9.0);
}

cv::Mat at_lower_dose(const cv::Mat& pixels, double dose, bool raw, double low, double high, unsigned seed,
                      std::optional<double> own) {
  if (dose >= 1) return pixels.clone();
  const double extra = (own ? *own : estimated_noise(pixels, raw)) * std::sqrt(1 / dose - 1);
  cv::Mat noise(pixels.size(), CV_32F);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::NORMAL, 0.0, extra);
  cv::Mat out;
  if (raw) {
    cv::Mat root;
    cv::sqrt(cv::max(pixels, 0.0), root);
    out = pixels + noise.mul(root);
  } else {
    out = pixels + noise;
  }
  return cv::min(cv::max(out, low), high);
}

std::vector<int> components_per_class(const cv::Mat& labels, int classes) {
  std::vector<int> counts(classes, 0);
  for (int c = 0; c < classes; ++c) {
    cv::Mat regions;
    counts[c] = cv::connectedComponents(labels == c, regions, 8, CV_32S) - 1;
  }
  return counts;
}

double boundary_length(const cv::Mat& labels, const cv::Mat& counted) {
  double edges = 0;
  for (int y = 0; y < labels.rows; ++y) {
    const std::uint8_t* l = labels.ptr<std::uint8_t>(y);
    const std::uint8_t* c = counted.ptr<std::uint8_t>(y);
    const std::uint8_t* below = y + 1 < labels.rows ? labels.ptr<std::uint8_t>(y + 1) : nullptr;
    const std::uint8_t* counted_below = y + 1 < labels.rows ? counted.ptr<std::uint8_t>(y + 1) : nullptr;
    for (int x = 0; x < labels.cols; ++x) {
      if (!c[x]) continue;
      if (x + 1 < labels.cols && c[x + 1] && l[x + 1] != l[x]) ++edges;
      if (below && counted_below[x] && below[x] != l[x]) ++edges;
    }
  }
  return edges;
}

namespace {

struct Level {
  std::string kind;  // none | noise | blur
  double value = 0;  // dose, or blur sigma at a 512-pixel short side
};

// What one method did at one level.
struct Tally {
  explicit Tally(int classes) : metrics(classes), components(classes, 0.0) {}
  metrics::MetricsAccumulator metrics;
  std::vector<double> components;  // summed over images
  double boundary_ratio = 0;       // summed over images with a truth boundary
  int images = 0, bounded = 0;

  void add(const cv::Mat& truth, const Segmentation& s, const std::string& category, const cv::Mat& counted,
           double truth_boundary) {
    const int classes = metrics.classes();
    metrics.add(truth, s.labels, measured_probabilities(s, classes), category);
    const auto counts = components_per_class(s.labels, classes);
    for (int c = 0; c < classes; ++c) components[c] += counts[c];
    ++images;
    if (truth_boundary > 0) {
      boundary_ratio += boundary_length(s.labels, counted) / truth_boundary;
      ++bounded;
    }
  }

  nlohmann::json to_json() const {
    const nlohmann::json m = metrics::to_json(metrics.result());
    nlohmann::json per_class = nlohmann::json::object(), parts = nlohmann::json::object();
    for (int c = 0; c < metrics.classes(); ++c) {
      per_class[label::names[c]] = m["per_class"][label::names[c]]["f1"];
      parts[label::names[c]] = images ? components[c] / images : 0.0;
    }
    return {{"weighted_f1", m["weighted"]["f1"]}, {"accuracy", m["accuracy"]}, {"f1", per_class},
            {"components_per_image", parts},
            {"boundary_ratio", bounded ? nlohmann::json(boundary_ratio / bounded) : nlohmann::json()}};
  }
};

}  // namespace

nlohmann::json measure_robustness(const SegmentFunction& model, const std::vector<Sample>& samples,
                                  const RobustnessOptions& options) {
  std::vector<Level> levels = {{"none", 0}};
  for (double d : options.doses)
    if (d < 1) levels.push_back({"noise", d});
  for (double b : options.blurs)
    if (b > 0) levels.push_back({"blur", b});
  constexpr int classes = label::max_classes;
  std::deque<Tally> network, baseline;  // MetricsAccumulator neither copies nor moves
  for (std::size_t l = 0; l < levels.size(); ++l) {
    network.emplace_back(classes);
    baseline.emplace_back(classes);
  }
  std::vector<std::vector<double>> truth_components(levels.size(), std::vector<double>(classes, 0.0));
  std::optional<Progress> progress;
  if (options.show_progress) progress.emplace("robustness", samples.size() * levels.size());
  unsigned seed = 1;
  for (const auto& sample : samples) {
    auto [radiograph, truth] = read_labelled(sample);
    const bool raw = decide_polarity(options.baseline.polarity, radiograph).polarity == Polarity::raw;
    const cv::Mat counted = truth != label::ignore;
    const double truth_boundary = boundary_length(truth, counted);
    const auto truth_counts = components_per_class(truth, classes);
    const double low = radiograph.range_min;
    const double high = radiograph.full_scale > radiograph.range_min ? radiograph.full_scale : 1e30;
    const double own_noise = estimated_noise(radiograph.pixels, raw);  // once, for every dose
    for (std::size_t l = 0; l < levels.size(); ++l) {
      Radiograph degraded = radiograph;
      if (levels[l].kind == "noise") {
        degraded.pixels = at_lower_dose(radiograph.pixels, levels[l].value, raw, low, high, seed++, own_noise);
      } else if (levels[l].kind == "blur") {
        const double sigma = levels[l].value * std::min(radiograph.width(), radiograph.height()) / 512.0;
        cv::GaussianBlur(radiograph.pixels, degraded.pixels, cv::Size(), sigma, sigma, cv::BORDER_REFLECT);
      }
      network[l].add(truth, model(degraded, sample.category), sample.category, counted, truth_boundary);
      baseline[l].add(truth, classical_segmentation(degraded, options.baseline), sample.category, counted,
                      truth_boundary);
      for (int c = 0; c < classes; ++c) truth_components[l][c] += truth_counts[c];
      if (progress) progress->advance();
    }
  }
  if (progress) progress->finish();
  nlohmann::json out = {{"images", samples.size()}, {"baseline_parameters", options.baseline}};
  out["levels"] = nlohmann::json::array();
  for (std::size_t l = 0; l < levels.size(); ++l) {
    nlohmann::json level;
    if (levels[l].kind == "noise") {
      level["noise"] = std::sqrt(1 / levels[l].value - 1);  // added sigma, in units of the data's own
      level["dose"] = levels[l].value;
    } else if (levels[l].kind == "blur") {
      level["blur"] = levels[l].value;
    } else {
      level["noise"] = 0.0;
      level["dose"] = 1.0;
      level["blur"] = 0.0;
    }
    nlohmann::json parts = nlohmann::json::object();
    for (int c = 0; c < classes; ++c)
      parts[label::names[c]] = samples.empty() ? 0.0 : truth_components[l][c] / samples.size();
    level["truth_components_per_image"] = parts;
    level["model"] = network[l].to_json();
    level["baseline"] = baseline[l].to_json();
    out["levels"].push_back(level);
  }
  return out;
}

}  // namespace xnet
