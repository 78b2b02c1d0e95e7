#include "preprocess/intensity_range.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace xnet {

namespace {
double nth_percentile(std::vector<float>& samples, double pct) {
  const double position = std::clamp(pct, 0.0, 100.0) / 100.0 * double(samples.size() - 1);
  const auto k = static_cast<std::size_t>(std::lround(position));
  std::nth_element(samples.begin(), samples.begin() + k, samples.end());
  return samples[k];
}
}  // namespace

IntensityRange percentile_range(const cv::Mat& values, double low_pct, double high_pct,
                                const cv::Mat& valid, int max_samples) {
  CV_Assert(values.type() == CV_32FC1);
  CV_Assert(valid.empty() || (valid.type() == CV_8UC1 && valid.size() == values.size()));
  const double total = double(values.total());
  const int stride = std::max(1, int(std::ceil(std::sqrt(total / std::max(1, max_samples)))));
  std::vector<float> samples;
  samples.reserve(std::size_t(total / (stride * stride)) + values.cols + values.rows + 1);
  for (int y = 0; y < values.rows; y += stride) {
    const float* v = values.ptr<float>(y);
    const std::uint8_t* m = valid.empty() ? nullptr : valid.ptr<std::uint8_t>(y);
    for (int x = 0; x < values.cols; x += stride)
      if (!m || m[x]) samples.push_back(v[x]);
  }
  if (samples.empty()) return {};
  const double low = nth_percentile(samples, low_pct);
  const double high = nth_percentile(samples, high_pct);
  return {low, high};
}

cv::Mat area_shrink(const cv::Mat& image, cv::Size target) {
  const int factor = std::min(image.cols / target.width, image.rows / target.height);
  cv::Mat binned = image;
  if (factor >= 2) {
    const cv::Rect whole_bins(0, 0, image.cols / factor * factor, image.rows / factor * factor);
    cv::resize(image(whole_bins), binned, cv::Size(image.cols / factor, image.rows / factor), 0,
               0, cv::INTER_AREA);
  }
  if (binned.size() == target) return binned;
  cv::Mat out;
  cv::resize(binned, out, target, 0, 0, cv::INTER_AREA);
  return out;
}

cv::Mat shrink_to(const cv::Mat& image, int max_side) {
  const int longer = std::max(image.cols, image.rows);
  if (longer <= max_side) return image;
  const double scale = double(max_side) / longer;
  return area_shrink(image, cv::Size(std::max(1, int(std::lround(image.cols * scale))),
                                     std::max(1, int(std::lround(image.rows * scale)))));
}

}  // namespace xnet
