#include "preprocess/preprocessing.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "collimator/collimator.hpp"
#include "preprocess/intensity_range.hpp"

namespace xnet {

namespace {
constexpr const char* canonical_method = "attenuation-percentile-v1";
constexpr double minimum_field_fraction = 0.02;

cv::Mat resized(const cv::Mat& image, cv::Size size) {
  if (image.size() == size) return image.clone();
  if (image.cols >= size.width && image.rows >= size.height) return area_shrink(image, size);
  cv::Mat out;
  cv::resize(image, out, size, 0, 0,
             image.cols > size.width || image.rows > size.height ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}
}  // namespace

void to_json(nlohmann::json& j, const Preprocessing& p) {
  j = nlohmann::json{{"method", canonical_method},
                     {"input_size", p.input_size},
                     {"low_percentile", p.low_percentile},
                     {"high_percentile", p.high_percentile},
                     {"attenuation_floor", p.attenuation_floor},
                     {"within_field", p.within_field},
                     {"square_windows", p.square_windows}};
}

void from_json(const nlohmann::json& j, Preprocessing& p) {
  const std::string method = j.value("method", std::string(canonical_method));
  if (method != canonical_method)
    throw Error("preprocessing: unknown method '" + method + "' (this program knows '" +
                canonical_method + "')");
  Preprocessing read;
  read.input_size = j.value("input_size", read.input_size);
  read.low_percentile = j.value("low_percentile", read.low_percentile);
  read.high_percentile = j.value("high_percentile", read.high_percentile);
  read.attenuation_floor = j.value("attenuation_floor", read.attenuation_floor);
  read.within_field = j.value("within_field", false);  // absent: a model from before the option
  read.square_windows = j.value("square_windows", false);
  if (read.input_size < 8 || read.input_size > 1024)  // the model description's bounds
    throw Error("preprocessing: input_size must be 8..1024 (found " +
                std::to_string(read.input_size) + ")");
  if (!(read.low_percentile >= 0.0 && read.low_percentile < read.high_percentile &&
        read.high_percentile <= 100.0))
    throw Error("preprocessing: need 0 <= low_percentile < high_percentile <= 100 (found " +
                std::to_string(read.low_percentile) + ", " +
                std::to_string(read.high_percentile) + ")");
  if (!(read.attenuation_floor > 0.0 && read.attenuation_floor < 1.0))
    throw Error("preprocessing: attenuation_floor must be in (0, 1) (found " +
                std::to_string(read.attenuation_floor) + ")");
  p = read;
}

Preprocessing model_preprocessing(nlohmann::json stored, int model_input_size) {
  if (!stored.contains("input_size")) stored["input_size"] = model_input_size;
  return stored.get<Preprocessing>();
}

cv::Mat canonical_of_pixels(const cv::Mat& pixels, Polarity polarity,
                            const Preprocessing& preprocessing, const cv::Mat& field) {
  CV_Assert(pixels.type() == CV_32FC1);
  cv::Mat signal = pixels > 0.0f;  // removed background, padding, dead pixels: 0
  if (preprocessing.within_field && !field.empty()) {
    CV_Assert(field.type() == CV_8UC1 && field.size() == pixels.size());
    // A field too small to hold a range (a misdetection) is ignored.
    const cv::Mat inside = signal & (field != 0);
    if (cv::countNonZero(inside) >= minimum_field_fraction * pixels.total()) signal = inside;
  }
  cv::Mat values;
  if (polarity == Polarity::raw) {
    const double open_beam =
        percentile_range(pixels, 0.0, preprocessing.high_percentile, signal).high;
    if (open_beam <= 0.0) return cv::Mat::zeros(pixels.size(), CV_32FC1);
    cv::max(pixels, open_beam * preprocessing.attenuation_floor, values);
    cv::log(values, values);
    values = std::log(open_beam) - values;  // -log(I / I_open)
  } else {
    values = pixels;
  }
  const IntensityRange range = percentile_range(values, preprocessing.low_percentile,
                                                preprocessing.high_percentile, signal);
  if (range.span() <= 0.0) return cv::Mat::zeros(pixels.size(), CV_32FC1);
  cv::Mat canonical;
  values.convertTo(canonical, CV_32F, 1.0 / range.span(), -range.low / range.span());
  cv::min(canonical, 1.0, canonical);
  cv::max(canonical, 0.0, canonical);
  return canonical;
}

cv::Mat to_canonical(const Radiograph& radiograph, Polarity polarity,
                     const Preprocessing& preprocessing) {
  return canonical_of_pixels(radiograph.pixels, polarity, preprocessing);
}

cv::Size network_grid(cv::Size image, const Preprocessing& preprocessing) {
  const int side = preprocessing.input_size;
  const int shorter = std::min(image.width, image.height), longer = std::max(image.width, image.height);
  if (!preprocessing.square_windows || shorter <= 0 || longer <= max_squash_aspect * shorter)
    return {side, side};
  const int along = static_cast<int>(std::lround(double(side) * longer / shorter));
  return image.width > image.height ? cv::Size(along, side) : cv::Size(side, along);
}

cv::Rect square_window(cv::Size grid, double where) {
  const int side = std::min(grid.width, grid.height), length = std::max(grid.width, grid.height);
  const int at = static_cast<int>(std::lround(where * (length - side)));
  return grid.width > grid.height ? cv::Rect(at, 0, side, side) : cv::Rect(0, at, side, side);
}

std::vector<cv::Rect> network_windows(cv::Size grid) {
  const int side = std::min(grid.width, grid.height), travel = std::max(grid.width, grid.height) - side;
  // Steps of at most three quarters of a window.
  const int count = travel <= 0 ? 1 : 1 + static_cast<int>(std::ceil(travel / (0.75 * side)));
  std::vector<cv::Rect> windows;
  for (int i = 0; i < count; ++i) windows.push_back(square_window(grid, count == 1 ? 0.0 : double(i) / (count - 1)));
  return windows;
}

cv::Mat normalisation_field(const Radiograph& radiograph, Polarity polarity, const Preprocessing& preprocessing,
                            std::optional<CollimatorField>* found) {
  if (!preprocessing.within_field) return {};
  CollimatorField field = CollimatorDetector().detect(radiograph.pixels, polarity == Polarity::raw);
  cv::Mat mask = exposed_field_mask(field, radiograph.pixels.size());
  if (found) *found = std::move(field);
  return mask;
}

cv::Mat network_input(const Radiograph& radiograph, Polarity polarity,
                      const Preprocessing& preprocessing, const cv::Mat& field) {
  if (radiograph.pixels.empty()) throw file_error(radiograph.source, "empty image");
  const cv::Size grid = network_grid(radiograph.pixels.size(), preprocessing);
  cv::Mat small_field;
  if (!field.empty()) {
    CV_Assert(field.size() == radiograph.pixels.size());
    cv::resize(field, small_field, grid, 0, 0, cv::INTER_NEAREST);
  }
  return canonical_of_pixels(resized(radiograph.pixels, grid), polarity, preprocessing, small_field);
}

cv::Mat resize_labels(const cv::Mat& labels, cv::Size size) {
  CV_Assert(labels.type() == CV_8UC1);
  cv::Mat out;
  cv::resize(labels, out, size, 0, 0, cv::INTER_NEAREST);
  return out;
}

}  // namespace xnet
