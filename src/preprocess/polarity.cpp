#include "preprocess/polarity.hpp"

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "preprocess/intensity_range.hpp"

namespace xnet {

namespace {

constexpr int detection_side = 256;  // enough to see the anatomy's outline, cheap
constexpr double detection_scale_px = 2.0;  // smoothing at that size: noise and texture go

// Sum over the image of I_tt, the second derivative of the intensity along the isophote,
// where the gradient is clearly above noise. I_tt = kappa * |grad I| with kappa the
// isophote curvature; by the co-area formula its integral adds, for every closed isophote,
// its total curvature (+-2 pi) times the contrast it spans: negative for bright blobs,
// positive for dark ones, and about zero for straight edges such as collimator blades.
double isophote_curvature_sum(const cv::Mat& image, double span) {
  cv::Mat smooth, ix, iy, ixx, iyy, ixy;
  cv::GaussianBlur(image, smooth, cv::Size(0, 0), detection_scale_px);
  cv::Sobel(smooth, ix, CV_32F, 1, 0, 3, 1.0 / 8);
  cv::Sobel(smooth, iy, CV_32F, 0, 1, 3, 1.0 / 8);
  cv::Sobel(smooth, ixx, CV_32F, 2, 0, 3, 1.0 / 4);
  cv::Sobel(smooth, iyy, CV_32F, 0, 2, 3, 1.0 / 4);
  cv::Sobel(smooth, ixy, CV_32F, 1, 1, 3, 1.0 / 4);
  const double min_gradient = 0.01 * span;  // per pixel at 256 px: 1 % of the range
  double sum = 0.0;
  for (int y = 0; y < image.rows; ++y)
    for (int x = 0; x < image.cols; ++x) {
      const double gx = ix.at<float>(y, x), gy = iy.at<float>(y, x);
      const double g2 = gx * gx + gy * gy;
      if (g2 < min_gradient * min_gradient) continue;
      sum += (gx * gx * iyy.at<float>(y, x) - 2 * gx * gy * ixy.at<float>(y, x) +
              gy * gy * ixx.at<float>(y, x)) / g2;
    }
  return sum / span;
}

}  // namespace

Polarity detect_polarity_of_pixels(const cv::Mat& pixels) {
  CV_Assert(pixels.type() == CV_32FC1);
  if (pixels.empty()) throw Error("cannot decide the polarity of an empty image");
  const cv::Mat small = shrink_to(pixels, detection_side);
  const IntensityRange range = percentile_range(small, 0.1, 99.9, {}, 1 << 17);
  if (range.span() <= 0.0) return Polarity::display;
  const double curvature = isophote_curvature_sum(small, range.span());
  return curvature > 0.0 ? Polarity::raw : Polarity::display;
}

std::optional<Polarity> polarity_from_metadata(const Radiograph& radiograph) {
  switch (radiograph.presentation_intent) {
    case PresentationIntent::for_processing: return Polarity::raw;
    case PresentationIntent::for_presentation: return Polarity::display;
    case PresentationIntent::unknown: break;
  }
  return std::nullopt;
}

PolarityDecision decide_polarity(const std::optional<Polarity>& requested, const Radiograph& radiograph) {
  if (requested) return {*requested, PolaritySource::option};
  if (const auto stated = polarity_from_metadata(radiograph)) return {*stated, PolaritySource::dicom};
  try {
    return {detect_polarity_of_pixels(radiograph.pixels), PolaritySource::pixels};
  } catch (const Error& e) {
    throw file_error(radiograph.source, e.what());
  }
}

std::string to_string(Polarity polarity) {
  return polarity == Polarity::raw ? "raw" : "display";
}

std::string to_string(PolaritySource source) {
  switch (source) {
    case PolaritySource::option: return "option";
    case PolaritySource::dicom: return "dicom";
    case PolaritySource::pixels: break;
  }
  return "pixels";
}

std::optional<Polarity> parse_polarity(const std::string& text) {
  if (text == "auto") return std::nullopt;
  if (text == "raw") return Polarity::raw;
  if (text == "display") return Polarity::display;
  throw UsageError("polarity must be auto, raw or display (found '" + text + "')");
}

}  // namespace xnet
