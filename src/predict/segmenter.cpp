#include "predict/segmenter.hpp"

#include <chrono>
#include <optional>
#include <utility>

#include "core/error.hpp"
#include "core/labels.hpp"
#include "collimator/collimator.hpp"
#include "predict/model_thresholds.hpp"
#include "preprocess/preprocessing.hpp"

namespace xnet {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

std::vector<cv::Mat> tempered_softmax(const std::vector<cv::Mat>& logits, double temperature) {
  std::vector<cv::Mat> p(logits.size());
  cv::Mat highest = logits[0].clone();
  for (std::size_t c = 1; c < logits.size(); ++c) cv::max(highest, logits[c], highest);
  cv::Mat sum = cv::Mat::zeros(highest.size(), CV_32F);
  for (std::size_t c = 0; c < logits.size(); ++c) {
    cv::exp((logits[c] - highest) / temperature, p[c]);  // shifted: no overflow
    sum += p[c];
  }
  for (auto& map : p) map /= sum;
  return p;
}

StageTimings& StageTimings::operator+=(const StageTimings& o) {
  read += o.read; preprocess += o.preprocess; network += o.network;
  upsample += o.upsample; postprocess += o.postprocess; write += o.write;
  return *this;
}

struct Segmenter::Impl {
  SegmenterOptions options;
  std::unique_ptr<engine::LogitsEngine> network;
  Preprocessing preprocessing;
  std::optional<Polarity> requested_polarity;  // nullopt: detect per image
  SoftTissueThresholdTable thresholds;
  double temperature = 1.0;
  int collimator_channel = -1;  // the model's collimator class, a hint for the detector
  double load_seconds = 0;

  // field: set to the exposed field found from the pixels alone when the model normalises
  // within it (preprocessing.hpp), else left as it is.
  std::vector<cv::Mat> logits(const Radiograph& r, std::optional<Polarity> polarity_asked, PolarityDecision& decision,
                              std::optional<CollimatorField>& field, StageTimings& timings) const {
    auto start = Clock::now();
    decision = decide_polarity(polarity_asked, r);
    const Polarity polarity = decision.polarity;
    const cv::Mat input =
        network_input(r, polarity, preprocessing, normalisation_field(r, polarity, preprocessing, &field));
    CV_Assert(input.type() == CV_32FC1 && input.isContinuous());
    timings.preprocess = seconds_since(start);
    start = Clock::now();
    auto out = windowed_logits(input);
    timings.network = seconds_since(start);
    return out;
  }

  // The logits over the whole grid: one pass for a square grid, else each window's, blended
  // where they overlap with weights falling linearly to a window's ends (no seams where one
  // window's border context is poorer than its neighbour's centre).
  std::vector<cv::Mat> windowed_logits(const cv::Mat& input) const {
    const auto windows = network_windows(input.size());
    if (windows.size() == 1) return network->logits(input);
    const bool across = input.cols > input.rows;  // windows follow each other along x
    const int side = windows.front().width;
    cv::Mat ramp(across ? 1 : side, across ? side : 1, CV_32F);
    for (int t = 0; t < side; ++t)
      ramp.at<float>(t) = static_cast<float>(std::min(t + 0.5, side - t - 0.5) / (0.5 * side));
    cv::Mat weight_map;
    cv::repeat(ramp, across ? side : 1, across ? 1 : side, weight_map);
    std::vector<cv::Mat> sum;
    cv::Mat weights = cv::Mat::zeros(input.size(), CV_32F);
    for (const cv::Rect& w : windows) {
      const auto out = network->logits(input(w).clone());
      if (sum.empty())
        for (std::size_t c = 0; c < out.size(); ++c) sum.push_back(cv::Mat::zeros(input.size(), CV_32F));
      for (std::size_t c = 0; c < out.size(); ++c) sum[c](w) += out[c].mul(weight_map);
      weights(w) += weight_map;
    }
    for (auto& map : sum) map /= weights;
    return sum;
  }
};

engine::EngineOptions engine_options(const SegmenterOptions& options) {
  return {options.device, options.threads, options.expected_images, options.engine, options.precision, std::nullopt};
}

Segmenter::Segmenter(const std::filesystem::path& model_file, SegmenterOptions options)
    : impl_(std::make_unique<Impl>()) {
  const auto start = Clock::now();
  auto& m = *impl_;
  m.options = std::move(options);
  m.requested_polarity = parse_polarity(m.options.polarity);
  m.network = engine::open_engine(model_file, engine_options(m.options));
  const auto& model = m.network->model();
  try {
    m.preprocessing = model_preprocessing(model.preprocessing, model.input_size);
  } catch (const Error& e) {
    throw file_error(model_file, e.what());
  }
  m.thresholds = soft_tissue_thresholds_from(model.thresholds);
  if (model.calibration.is_object() && model.calibration.contains("temperature"))
    m.temperature = model.calibration["temperature"].get<double>();
  if (!(m.temperature > 0)) throw file_error(model_file, "calibration temperature must be positive");
  const auto& classes = model.classes;
  for (std::size_t c = 0; c < classes.size(); ++c)
    if (classes[c] == label::names[label::collimator]) m.collimator_channel = static_cast<int>(c);
  m.load_seconds = seconds_since(start);
}

Segmenter::~Segmenter() = default;

const SegmenterOptions& Segmenter::options() const { return impl_->options; }
const std::vector<std::string>& Segmenter::classes() const { return impl_->network->model().classes; }
const engine::ModelFile& Segmenter::model() const { return impl_->network->model(); }
int Segmenter::input_size() const { return impl_->preprocessing.input_size; }
double Segmenter::temperature() const { return impl_->temperature; }
double Segmenter::load_seconds() const { return impl_->load_seconds; }
const engine::EngineChoice& Segmenter::engine() const { return impl_->network->choice(); }
void Segmenter::use_threads(int threads) const { impl_->network->use_threads(threads); }

double Segmenter::soft_tissue_threshold(const std::string& category) const {
  if (impl_->options.soft_tissue_threshold) return *impl_->options.soft_tissue_threshold;
  return impl_->thresholds.for_category(category, impl_->options.postprocess.soft_tissue_threshold);
}

NetworkOutput Segmenter::network_logits(const Radiograph& radiograph) const {
  NetworkOutput out;
  StageTimings ignored;
  std::optional<CollimatorField> field;
  PolarityDecision decision;
  out.logits = impl_->logits(radiograph, impl_->requested_polarity, decision, field, ignored);
  out.polarity = decision.polarity;
  return out;
}

Segmentation Segmenter::segment(const Radiograph& radiograph, const std::string& category) const {
  return segment(radiograph, ImageOptions{category, std::nullopt, std::nullopt});
}

Segmentation Segmenter::segment(const Radiograph& radiograph, const ImageOptions& image) const {
  const auto& m = *impl_;
  Segmentation s;
  std::optional<CollimatorField> pixel_field;
  PolarityDecision decision;
  const auto logits =
      m.logits(radiograph, image.polarity ? parse_polarity(*image.polarity) : m.requested_polarity, decision, pixel_field, s.timings);
  s.polarity = decision.polarity;
  s.polarity_source = decision.source;

  auto start = Clock::now();
  // Calibrated at the network's resolution (Guo et al. 2017), then upsampled: bilinear
  // interpolation keeps each pixel's probabilities summing to one.
  const auto small = tempered_softmax(logits, m.temperature);
  s.probabilities = upsample_probabilities(small, radiograph.pixels.size());
  s.timings.upsample = seconds_since(start);

  start = Clock::now();
  if (m.options.network_only) {
    s.labels = decide_labels(s.probabilities, -1.0);  // < 0: plain argmax
    s.field = whole_image_field(radiograph.pixels.size());
  } else {
    s.soft_tissue_threshold =
        image.soft_tissue_threshold ? *image.soft_tissue_threshold : soft_tissue_threshold(image.category);
    auto post = m.options.postprocess;
    post.soft_tissue_threshold = s.soft_tissue_threshold;
    post.network_grid = logits.front().size();
    s.labels = postprocess(decide_labels(s.probabilities, s.soft_tissue_threshold), post);
    if (m.options.detect_collimator) {
      // The network's collimator class, when it has one, is a second cue; without it the
      // pixel-only field found for the normalisation is the answer already.
      if (m.collimator_channel >= 0 || !pixel_field) {
        const cv::Mat hint = m.collimator_channel >= 0 ? s.probabilities[m.collimator_channel] : cv::Mat();
        s.field = CollimatorDetector().detect(radiograph.pixels, s.polarity == Polarity::raw, hint);
      } else {
        s.field = *pixel_field;
      }
      apply_collimator_field(s.labels, s.field);
    } else {
      s.field = whole_image_field(radiograph.pixels.size());
    }
  }
  s.timings.postprocess = seconds_since(start);
  return s;
}

}  // namespace xnet
