#include "predict/segmenter.hpp"

#include <chrono>
#include <optional>
#include <utility>

#include <torch/torch.h>

#include "core/error.hpp"
#include "core/labels.hpp"
#include "infer/collimator.hpp"
#include "model/model_file.hpp"
#include "model/runtime.hpp"
#include "predict/model_thresholds.hpp"
#include "preprocess/preprocessing.hpp"

namespace xnet {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// N x C x H x W (N = 1) -> C maps; the tensor must be contiguous float on the CPU.
std::vector<cv::Mat> to_maps(const torch::Tensor& t) {
  const auto cpu = t.to(torch::kCPU, torch::kFloat).contiguous();
  const int classes = static_cast<int>(cpu.size(1)), h = static_cast<int>(cpu.size(2)),
            w = static_cast<int>(cpu.size(3));
  std::vector<cv::Mat> maps;
  for (int c = 0; c < classes; ++c)
    maps.push_back(cv::Mat(h, w, CV_32F, cpu[0][c].data_ptr<float>()).clone());
  return maps;
}

}  // namespace

StageTimings& StageTimings::operator+=(const StageTimings& o) {
  read += o.read; preprocess += o.preprocess; network += o.network;
  upsample += o.upsample; postprocess += o.postprocess; write += o.write;
  return *this;
}

struct Segmenter::Impl {
  SegmenterOptions options;
  model::LoadedModel model;
  Preprocessing preprocessing;
  torch::Device device{torch::kCPU};
  std::unique_ptr<model::InferenceEngine> engine;
  std::optional<Polarity> requested_polarity;  // nullopt: detect per image
  SoftTissueThresholdTable thresholds;
  double temperature = 1.0;
  int collimator_channel = -1;  // the model's collimator class, a hint for the detector
  double load_seconds = 0;

  // field: set to the exposed field found from the pixels alone when the model normalises
  // within it (preprocessing.hpp), else left as it is.
  torch::Tensor logits(const Radiograph& r, Polarity& polarity, std::optional<CollimatorField>& field,
                       StageTimings& timings) const {
    auto start = Clock::now();
    polarity = resolve_polarity(requested_polarity, r);
    cv::Mat field_pixels;
    if (preprocessing.within_field) {
      field = CollimatorDetector().detect(r.pixels, polarity == Polarity::raw);
      field_pixels = exposed_field_mask(*field, r.pixels.size());
    }
    cv::Mat input = network_input(r, polarity, preprocessing, field_pixels);
    CV_Assert(input.type() == CV_32FC1 && input.isContinuous());
    timings.preprocess = seconds_since(start);
    start = Clock::now();
    torch::NoGradGuard no_grad;
    auto batch = torch::from_blob(input.data, {1, 1, input.rows, input.cols}, torch::kFloat);
    auto out = engine->logits(batch);
    timings.network = seconds_since(start);
    return out;
  }
};

Segmenter::Segmenter(const std::filesystem::path& model_file, SegmenterOptions options)
    : impl_(std::make_unique<Impl>()) {
  const auto start = Clock::now();
  auto& m = *impl_;
  m.options = std::move(options);
  m.requested_polarity = parse_polarity(m.options.polarity);
  model::configure_threads(m.options.threads);  // 0 = all cores, resolved there
  m.device = model::select_device(m.options.device);
  m.model = model::load_model(model_file);
  // The model's own input size unless its preprocessing names one (older files store it once).
  auto preprocessing = m.model.meta.preprocessing;
  if (!preprocessing.contains("input_size")) preprocessing["input_size"] = m.model.meta.input_size;
  try {
    m.preprocessing = preprocessing.get<Preprocessing>();
  } catch (const Error& e) {
    throw file_error(model_file, e.what());
  }
  model::InferenceOptions inference;
  inference.device = m.device;
  // Measured on XNet-64, 2 threads: preparing the Winograd weights costs ~0.27 s and saves
  // ~0.08 s an image, so one image is faster without them.
  inference.winograd = m.options.expected_images == 0 || m.options.expected_images >= 4;
  // The loaded network is folded in place: copying 11.7 M parameters into a freshly
  // initialised network cost ~0.2 s of every predict's start.
  m.engine = std::make_unique<model::InferenceEngine>(std::exchange(m.model.net, nullptr), inference);
  m.thresholds = soft_tissue_thresholds_from(m.model.meta.thresholds);
  if (m.model.meta.calibration.is_object() && m.model.meta.calibration.contains("temperature"))
    m.temperature = m.model.meta.calibration["temperature"].get<double>();
  if (!(m.temperature > 0)) throw file_error(model_file, "calibration temperature must be positive");
  const auto& classes = m.model.meta.classes;
  for (std::size_t c = 0; c < classes.size(); ++c)
    if (classes[c] == label::names[label::collimator]) m.collimator_channel = static_cast<int>(c);
  m.load_seconds = seconds_since(start);
}

Segmenter::~Segmenter() = default;

const SegmenterOptions& Segmenter::options() const { return impl_->options; }
const std::vector<std::string>& Segmenter::classes() const { return impl_->model.meta.classes; }
int Segmenter::input_size() const { return impl_->preprocessing.input_size; }
double Segmenter::temperature() const { return impl_->temperature; }
double Segmenter::load_seconds() const { return impl_->load_seconds; }

double Segmenter::soft_tissue_threshold(const std::string& category) const {
  if (impl_->options.soft_tissue_threshold) return *impl_->options.soft_tissue_threshold;
  return impl_->thresholds.for_category(category, impl_->options.postprocess.soft_tissue_threshold);
}

NetworkOutput Segmenter::network_logits(const Radiograph& radiograph) const {
  NetworkOutput out;
  StageTimings ignored;
  std::optional<CollimatorField> field;
  out.logits = to_maps(impl_->logits(radiograph, out.polarity, field, ignored));
  return out;
}

Segmentation Segmenter::segment(const Radiograph& radiograph, const std::string& category) const {
  const auto& m = *impl_;
  Segmentation s;
  std::optional<CollimatorField> pixel_field;
  const auto logits = m.logits(radiograph, s.polarity, pixel_field, s.timings);

  auto start = Clock::now();
  // Calibrated at the network's resolution (Guo et al. 2017), then upsampled: bilinear
  // interpolation keeps each pixel's probabilities summing to one.
  const auto small = to_maps(torch::softmax(logits / m.temperature, 1));
  s.probabilities = upsample_probabilities(small, radiograph.pixels.size());
  s.timings.upsample = seconds_since(start);

  start = Clock::now();
  if (m.options.network_only) {
    s.labels = decide_labels(s.probabilities, -1.0);  // < 0: plain argmax
    s.field = whole_image_field(radiograph.pixels.size());
  } else {
    s.soft_tissue_threshold = soft_tissue_threshold(category);
    auto post = m.options.postprocess;
    post.soft_tissue_threshold = s.soft_tissue_threshold;
    post.network_input_size = m.preprocessing.input_size;
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
