#include "serve/segment_service.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include <openssl/evp.h>
#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "core/labels.hpp"
#include "core/threads.hpp"
#include "postprocess/overlay.hpp"
#include "io/png_file.hpp"
#include "predict/prediction_outputs.hpp"
#include "serve/upload.hpp"

namespace xnet::serve {

Admission::Admission(int workers, int waiting) : workers_(std::max(1, workers)), capacity_(workers_ + std::max(0, waiting)) {}

std::optional<Admission::Ticket> Admission::try_enter() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (admitted_ >= capacity_) return std::nullopt;
  ++admitted_;
  return Ticket(this);
}

bool Admission::full() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return admitted_ >= capacity_;
}

int Admission::admitted() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return admitted_;
}

void Admission::Ticket::wait_turn() {
  if (!admission_ || running_) return;
  std::unique_lock<std::mutex> lock(admission_->mutex_);
  admission_->turn_.wait(lock, [&] { return admission_->running_ < admission_->workers_; });
  ++admission_->running_;
  running_ = true;
}

Admission::Ticket::~Ticket() {
  if (!admission_) return;
  {
    std::lock_guard<std::mutex> lock(admission_->mutex_);
    --admission_->admitted_;
    if (running_) --admission_->running_;
  }
  admission_->turn_.notify_one();
}

namespace {

double parse_threshold(const std::string& text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !(value >= 0 && value <= 1))
    throw Error("soft_tissue_threshold: expected a number from 0 to 1, got \"" + text + "\"");
  return value;
}

// The image scaled to at most `side` pixels a side (never up): area averaging for grey
// levels, nearest neighbour for labels.
cv::Mat at_most(const cv::Mat& image, int side, int interpolation) {
  const double scale = std::min(1.0, double(side) / std::max(image.cols, image.rows));
  if (scale >= 1.0) return image;
  cv::Mat out;
  cv::resize(image, out, cv::Size(std::max(1, int(std::lround(image.cols * scale))),
                                  std::max(1, int(std::lround(image.rows * scale)))),
             0, 0, interpolation);
  return out;
}

// The live threshold preview's side: a 1500 px radiograph's maps in ~100 kB of PNG.
constexpr int kPreviewSide = 512;

}  // namespace

SegmentRequest parse_segment_request(const std::multimap<std::string, std::string>& parameters) {
  SegmentRequest request;
  for (const auto& [key, value] : parameters) {
    if (key == "soft_tissue_threshold") {
      request.image.soft_tissue_threshold = parse_threshold(value);
    } else if (key == "polarity") {
      try {
        parse_polarity(value);
      } catch (const Error&) {
        throw Error("polarity: expected auto, raw or display, got \"" + value + "\"");
      }
      request.image.polarity = value;
    } else if (key == "category") {
      request.image.category = value;
    } else if (key == "name") {
      request.name = value;
    } else if (key == "viewer") {
      if (value != "0" && value != "1") throw Error("viewer: expected 0 or 1, got \"" + value + "\"");
      request.viewer = value == "1";
    } else {
      throw Error("unknown query parameter \"" + key +
                  "\" (known: soft_tissue_threshold, polarity, category, name, viewer)");
    }
  }
  return request;
}

std::string base64(const std::vector<unsigned char>& bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3), '\0');
  // OpenSSL's encoder writes a terminating NUL beyond the 4n characters.
  text.resize(text.size() + 1);
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes.data(), int(bytes.size()));
  text.resize(std::size_t(written));
  return text;
}

SegmentService::SegmentService(const Segmenter& segmenter, ServiceOptions options)
    : segmenter_(segmenter), options_(std::move(options)) {
  options_.workers = std::max(1, options_.workers);
  threads_per_worker_ = std::max(1, resolve_threads(options_.threads) / options_.workers);
}

nlohmann::json SegmentService::segment(const std::filesystem::path& file, const SegmentRequest& request) const {
  const auto start = std::chrono::steady_clock::now();
  Radiograph radiograph;
  try {
    radiograph = read_radiograph(file, options_.limits);
  } catch (const Error& e) {
    throw BadUpload(e.what());
  }
  segmenter_.use_threads(threads_per_worker_);  // this request's thread, one worker's share
  const Segmentation s = segmenter_.segment(radiograph, request.image);
  const cv::Mat gray = display_gray8(radiograph, s.polarity);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::json answer = prediction_summary(radiograph, s, seconds);
  answer["image"] = request.name;
  answer["mask_png"] = base64(encode_png(s.labels));
  answer["overlay_png"] = base64(encode_png(colour_overlay(gray, s.labels)));
  if (request.viewer) {
    // What the labels would be without soft tissue: the larger of the other classes, and the
    // collimator where the field says so. The page thresholds the soft-tissue map over it.
    cv::Mat others = decide_labels(s.probabilities, 1.0);
    others.setTo(label::collimator, s.labels == label::collimator);
    cv::Mat soft;
    s.probabilities[label::soft_tissue].convertTo(soft, CV_8U, 255.0);
    const cv::Mat soft_small = at_most(soft, kPreviewSide, cv::INTER_AREA);
    answer["viewer"] = {{"display_png", base64(encode_png(gray))},
                        {"preview_width", soft_small.cols},
                        {"preview_height", soft_small.rows},
                        {"soft_tissue_png", base64(encode_png(soft_small))},
                        {"other_labels_png", base64(encode_png(at_most(others, kPreviewSide, cv::INTER_NEAREST)))}};
  }
  return answer;
}

nlohmann::json SegmentService::model_info() const {
  nlohmann::json info = segmenter_.model();
  info["engine"] = segmenter_.engine().describe();
  info["input_size"] = segmenter_.input_size();
  // The mask's values, and the colours the overlays give them (postprocess/overlay.hpp).
  nlohmann::json labels = nlohmann::json::array();
  for (int value = 0; value < label::max_classes; ++value) {
    const cv::Vec3b bgr = label_colour(value);
    char colour[8];
    std::snprintf(colour, sizeof colour, "#%02x%02x%02x", bgr[2], bgr[1], bgr[0]);
    labels.push_back({{"value", value}, {"name", label::names[value]}, {"colour", colour}});
  }
  info["labels"] = labels;
  return info;
}

}  // namespace xnet::serve
