#include "predict/prediction_outputs.hpp"

#include <chrono>
#include <future>
#include <system_error>

#include <opencv2/imgcodecs.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/labels.hpp"
#include "infer/overlay.hpp"
#include "io/png_file.hpp"
#include "preprocess/preprocessing.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

void write_probabilities(const fs::path& file, const std::vector<cv::Mat>& probabilities) {
  // OpenCV's TIFF writer swaps channels 0 and 2 (BGR -> RGB) for 3 and 4 channels; swapping
  // them here stores class k as sample k in the file.
  std::vector<cv::Mat> channels(probabilities.size());
  for (std::size_t c = 0; c < probabilities.size(); ++c)
    probabilities[c].convertTo(channels[c], CV_16U, 65535.0);
  if (channels.size() == 3 || channels.size() == 4) std::swap(channels[0], channels[2]);
  cv::Mat merged;
  cv::merge(channels, merged);
  write_atomically(file, [&](const fs::path& tmp) {
    if (!cv::imwrite(tmp.string(), merged)) throw file_error(file, "cannot write probabilities");
  });
}

}  // namespace

cv::Mat display_gray8(const Radiograph& radiograph, Polarity polarity) {
  cv::Mat canonical = to_canonical(radiograph, polarity), gray;
  canonical.convertTo(gray, CV_8U, 255.0);
  return gray;
}

PredictionPaths prediction_paths(const fs::path& dir, const fs::path& image) {
  const std::string stem = image.stem().string();
  return {dir / (stem + "_mask.png"), dir / (stem + "_overlay.png"), dir / (stem + ".json"),
          dir / (stem + "_probabilities.tif")};
}

nlohmann::json label_fractions(const cv::Mat& labels) {
  CV_Assert(labels.type() == CV_8UC1);
  int histogram[256] = {};
  for (int y = 0; y < labels.rows; ++y) {
    const auto* row = labels.ptr<std::uint8_t>(y);
    for (int x = 0; x < labels.cols; ++x) ++histogram[row[x]];
  }
  const double total = static_cast<double>(labels.total());
  nlohmann::json fractions = nlohmann::json::object();
  for (int l = 0; l < label::max_classes; ++l) fractions[label::names[l]] = total > 0 ? histogram[l] / total : 0.0;
  return fractions;
}

nlohmann::json prediction_summary(const Radiograph& radiograph, const Segmentation& s, double seconds) {
  return {{"image", radiograph.source.string()},
          {"width", radiograph.width()},
          {"height", radiograph.height()},
          {"fractions", label_fractions(s.labels)},
          {"collimator", to_json(s.field)},
          {"polarity", to_string(s.polarity)},
          {"soft_tissue_threshold", s.soft_tissue_threshold},
          {"seconds", seconds}};
}

void write_prediction(const fs::path& dir, const Radiograph& radiograph, Segmentation& s,
                      bool save_probabilities) {
  const auto start = std::chrono::steady_clock::now();
  const auto paths = prediction_paths(dir, radiograph.source);
  // The overlay's deflate (~80 ms for 1500^2, zlib-bound) on a thread of its own, beside the
  // mask and the probabilities.
  auto overlay = std::async(std::launch::async, [&] {
    write_png(paths.overlay, colour_overlay(display_gray8(radiograph, s.polarity), s.labels));
  });
  try {
    write_png(paths.mask, s.labels);
    if (save_probabilities) write_probabilities(paths.probabilities, s.probabilities);
  } catch (...) {
    overlay.wait();
    std::error_code ignored;
    fs::remove(paths.overlay, ignored);  // a failed image leaves no outputs behind
    throw;
  }
  overlay.get();
  s.timings.write = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_text_atomically(paths.summary, prediction_summary(radiograph, s, s.timings.total()).dump(2) + "\n");
}

}  // namespace xnet
