#include "baseline/classical_segmentation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <optional>

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "core/labels.hpp"
#include "core/progress.hpp"
#include "metrics/confusion.hpp"
#include "collimator/collimator.hpp"
#include "preprocess/preprocessing.hpp"

namespace xnet {

void to_json(nlohmann::json& j, const ClassicalOptions& o) {
  j = {{"working_side", o.working_side},
       {"smoothing_sigma", o.smoothing_sigma},
       {"bone_scale", o.bone_scale},
       {"bone_bias", o.bone_bias},
       {"min_open_beam_separability", o.min_open_beam_separability},
       {"min_region", o.min_region}};
  if (o.polarity) j["polarity"] = to_string(*o.polarity);
}

void from_json(const nlohmann::json& j, ClassicalOptions& o) {
  o.working_side = j.value("working_side", o.working_side);
  o.smoothing_sigma = j.value("smoothing_sigma", o.smoothing_sigma);
  o.bone_scale = j.value("bone_scale", o.bone_scale);
  o.bone_bias = j.value("bone_bias", o.bone_bias);
  o.min_open_beam_separability = j.value("min_open_beam_separability", o.min_open_beam_separability);
  o.min_region = j.value("min_region", o.min_region);
  if (o.working_side < 16 || o.working_side > 8192 || !(o.bone_scale > 0 && o.bone_scale < 0.5) ||
      !(o.bone_bias > 0) || !(o.smoothing_sigma >= 0) || !(o.min_region >= 0 && o.min_region < 1))
    throw Error("classical baseline parameters out of range: " + j.dump());
}

ClassicalOptions read_classical_parameters(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw file_error(file, "cannot read");
  try {
    return nlohmann::json::parse(in).at("parameters").get<ClassicalOptions>();
  } catch (const nlohmann::json::exception& e) {
    throw file_error(file, std::string("not a baseline.json: ") + e.what());
  }
}

namespace {

struct Otsu {
  double threshold = 0;
  double separability = 0;  // between-class variance over total variance, 0..1
};

// Otsu (1979) on a 256-bin histogram of the masked values.
Otsu otsu(const cv::Mat& values, const cv::Mat& mask) {
  double lo = 0, hi = 0;
  cv::minMaxLoc(values, &lo, &hi, nullptr, nullptr, mask);
  Otsu result{lo, 0};
  if (!(hi > lo)) return result;
  constexpr int bins = 256;
  std::array<double, bins> histogram{};
  const double scale = (bins - 1) / (hi - lo);
  for (int y = 0; y < values.rows; ++y) {
    const float* v = values.ptr<float>(y);
    const std::uint8_t* m = mask.ptr<std::uint8_t>(y);
    for (int x = 0; x < values.cols; ++x)
      if (m[x]) histogram[static_cast<int>((v[x] - lo) * scale + 0.5)] += 1;
  }
  double total = 0, sum = 0, sum_squares = 0;
  for (int b = 0; b < bins; ++b) {
    total += histogram[b];
    sum += b * histogram[b];
    sum_squares += double(b) * b * histogram[b];
  }
  const double mean = sum / total, variance = sum_squares / total - mean * mean;
  double weight = 0, partial = 0, best = -1;
  for (int b = 0; b < bins - 1; ++b) {
    weight += histogram[b];
    partial += b * histogram[b];
    if (weight == 0 || weight == total) continue;
    const double w0 = weight / total, m0 = partial / weight, m1 = (sum - partial) / (total - weight);
    const double between = w0 * (1 - w0) * (m0 - m1) * (m0 - m1);
    if (between > best) {
      best = between;
      result.threshold = lo + (b + 0.5) / scale;
    }
  }
  result.separability = variance > 0 ? best / variance : 0;
  return result;
}

// Drops 8-connected regions of `mask` smaller than `min_pixels`; with `border`, keeps a small
// region that touches it.
cv::Mat without_small_regions(const cv::Mat& mask, double min_pixels, const cv::Mat& border = cv::Mat()) {
  cv::Mat regions, stats, centroids;
  const int n = cv::connectedComponentsWithStats(mask, regions, stats, centroids, 8, CV_32S);
  std::vector<std::uint8_t> keep(n, 0);
  for (int i = 1; i < n; ++i) keep[i] = stats.at<int>(i, cv::CC_STAT_AREA) >= min_pixels;
  if (!border.empty()) {
    for (int y = 0; y < mask.rows; ++y) {
      const int* r = regions.ptr<int>(y);
      const std::uint8_t* b = border.ptr<std::uint8_t>(y);
      for (int x = 0; x < mask.cols; ++x)
        if (b[x] && r[x]) keep[r[x]] = 1;
    }
  }
  cv::Mat out(mask.size(), CV_8U);
  for (int y = 0; y < mask.rows; ++y) {
    const int* r = regions.ptr<int>(y);
    std::uint8_t* o = out.ptr<std::uint8_t>(y);
    for (int x = 0; x < mask.cols; ++x) o[x] = keep[r[x]] ? 255 : 0;
  }
  return out;
}

// Holes of `mask` (background regions not reachable from the image's edge) filled.
cv::Mat holes_filled(const cv::Mat& mask) {
  cv::Mat padded;
  cv::copyMakeBorder(mask, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
  cv::floodFill(padded, cv::Point(0, 0), 255);
  cv::Mat outside = padded(cv::Rect(1, 1, mask.cols, mask.rows)) == 0;  // holes
  return mask | outside;
}

// The steps that do not depend on the tuned parameters, on the working copy.
struct Prepared {
  Segmentation segmentation;  // polarity and field set
  cv::Mat attenuation;        // CV_32F working copy, smoothed, [0,1], bone bright
  cv::Mat field, open_beam, body;  // CV_8U masks on the working copy
  cv::Size full;
};

Prepared prepare(const Radiograph& radiograph, const ClassicalOptions& o) {
  Prepared p;
  p.full = radiograph.pixels.size();
  Segmentation& s = p.segmentation;
  const PolarityDecision decision = decide_polarity(o.polarity, radiograph);
  s.polarity = decision.polarity;
  s.polarity_source = decision.source;
  s.field = CollimatorDetector().detect(radiograph.pixels, s.polarity == Polarity::raw);
  const cv::Mat full_field = field_mask(s.field, p.full);
  const cv::Mat canonical = canonical_of_pixels(radiograph.pixels, s.polarity, Preprocessing{}, full_field);

  const double scale = std::min(1.0, double(o.working_side) / std::max(p.full.width, p.full.height));
  const cv::Size work(std::max(1, int(std::lround(p.full.width * scale))),
                      std::max(1, int(std::lround(p.full.height * scale))));
  cv::resize(canonical, p.attenuation, work, 0, 0, cv::INTER_AREA);
  cv::resize(full_field, p.field, work, 0, 0, cv::INTER_NEAREST);
  if (o.smoothing_sigma > 0) cv::GaussianBlur(p.attenuation, p.attenuation, cv::Size(), o.smoothing_sigma);

  const double field_pixels = cv::countNonZero(p.field);
  p.open_beam = cv::Mat::zeros(work, CV_8U);
  if (field_pixels > 0) {
    const Otsu open = otsu(p.attenuation, p.field);
    if (open.separability >= o.min_open_beam_separability) {
      cv::Mat edge;  // the field's outermost ring: an open beam reaches it
      cv::erode(p.field, edge, cv::Mat());
      edge = p.field & ~edge;
      cv::rectangle(edge, cv::Rect(0, 0, work.width, work.height), 255, 1);
      edge &= p.field;
      const cv::Mat candidate = (p.attenuation < open.threshold) & p.field;
      p.open_beam = without_small_regions(candidate, 0.05 * field_pixels, edge);
    }
  }
  p.body = p.field & ~p.open_beam;
  return p;
}

// The local contrast bone is found in, for one disc size: the white top-hat of the attenuation
// and its Otsu threshold over the body.
struct LocalContrast {
  cv::Mat tophat;
  double threshold = 0;
  int radius = 1;
};

LocalContrast local_contrast(const Prepared& p, double bone_scale) {
  LocalContrast c;
  c.radius = std::max(1, int(std::lround(bone_scale * std::min(p.body.rows, p.body.cols))));
  const double body_pixels = cv::countNonZero(p.body);
  if (body_pixels == 0) return c;
  // Open beam and collimator filled with the body's median: the body's edge is then no ridge.
  std::vector<float> values;
  values.reserve(static_cast<std::size_t>(body_pixels));
  for (int y = 0; y < p.body.rows; ++y)
    for (int x = 0; x < p.body.cols; ++x)
      if (p.body.at<std::uint8_t>(y, x)) values.push_back(p.attenuation.at<float>(y, x));
  std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
  cv::Mat filled = p.attenuation.clone();
  filled.setTo(values[values.size() / 2], ~p.body);
  const cv::Mat disc = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * c.radius + 1, 2 * c.radius + 1));
  cv::morphologyEx(filled, c.tophat, cv::MORPH_TOPHAT, disc);
  c.threshold = otsu(c.tophat, p.body).threshold;
  return c;
}

// Bone on the working copy for one threshold bias.
cv::Mat bone_of(const Prepared& p, const LocalContrast& c, double bone_bias, double min_region) {
  if (c.tophat.empty()) return cv::Mat::zeros(p.body.size(), CV_8U);
  cv::Mat bone = (c.tophat > c.threshold * bone_bias) & p.body;
  const int close = std::max(1, c.radius / 8);
  cv::morphologyEx(bone, bone, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * close + 1, 2 * close + 1)));
  bone = holes_filled(bone) & p.body;
  return without_small_regions(bone, min_region * cv::countNonZero(p.field));
}

// Labels 0-2 on the working copy (3 is set at full size from the field polygon).
cv::Mat working_labels(const Prepared& p, const cv::Mat& bone) {
  cv::Mat labels(p.body.size(), CV_8U, cv::Scalar(label::soft_tissue));
  labels.setTo(label::open_beam, p.open_beam);
  labels.setTo(label::bone, bone);
  return labels;
}

}  // namespace

Segmentation classical_segmentation(const Radiograph& radiograph, const ClassicalOptions& options) {
  Prepared p = prepare(radiograph, options);
  Segmentation s = std::move(p.segmentation);
  const cv::Mat bone = bone_of(p, local_contrast(p, options.bone_scale), options.bone_bias, options.min_region);
  cv::resize(working_labels(p, bone), s.labels, p.full, 0, 0, cv::INTER_NEAREST);
  apply_collimator_field(s.labels, s.field);
  for (int c = 0; c < label::max_classes; ++c) {
    cv::Mat one;
    cv::Mat(s.labels == c).convertTo(one, CV_32F, 1.0 / 255.0);
    s.probabilities.push_back(one);
  }
  return s;
}

TuningResult tune_classical(const std::vector<Sample>& samples, const ClassicalOptions& start, bool show_progress) {
  const std::vector<double> scales = {0.015, 0.025, 0.04, 0.06, 0.09, 0.13};
  const std::vector<double> biases = {0.3, 0.45, 0.6, 0.8, 1.0, 1.25, 1.6};
  std::vector<metrics::ConfusionMatrix> confusion(scales.size() * biases.size(), metrics::ConfusionMatrix(3));
  std::optional<Progress> progress;
  if (show_progress) progress.emplace("tune", samples.size());
  for (const auto& sample : samples) {
    auto [radiograph, truth] = read_labelled(sample);
    const Prepared p = prepare(radiograph, start);
    cv::Mat small_truth;
    cv::resize(truth, small_truth, p.body.size(), 0, 0, cv::INTER_NEAREST);
    const cv::Mat counted = (small_truth <= label::bone) & p.field;  // 3-class figures inside the field
    for (std::size_t i = 0; i < scales.size(); ++i) {
      const LocalContrast contrast = local_contrast(p, scales[i]);  // once per disc size
      for (std::size_t j = 0; j < biases.size(); ++j) {
        const cv::Mat labels = working_labels(p, bone_of(p, contrast, biases[j], start.min_region));
        auto& m = confusion[i * biases.size() + j];
        for (int y = 0; y < labels.rows; ++y)
          for (int x = 0; x < labels.cols; ++x)
            if (counted.at<std::uint8_t>(y, x)) ++m.at(small_truth.at<std::uint8_t>(y, x), labels.at<std::uint8_t>(y, x));
      }
    }
    if (progress) progress->advance();
  }
  if (progress) progress->finish();
  TuningResult result;
  result.options = start;
  result.weighted_f1 = -1;
  for (std::size_t i = 0; i < scales.size(); ++i)
    for (std::size_t j = 0; j < biases.size(); ++j) {
      const auto summary = metrics::summarize(confusion[i * biases.size() + j], {});
      const double f1 = summary.weighted.f1.value_or(0);
      result.grid.push_back({{"bone_scale", scales[i]}, {"bone_bias", biases[j]}, {"weighted_f1", f1}});
      if (f1 > result.weighted_f1) {
        result.weighted_f1 = f1;
        result.options.bone_scale = scales[i];
        result.options.bone_bias = biases[j];
      }
    }
  return result;
}

}  // namespace xnet
