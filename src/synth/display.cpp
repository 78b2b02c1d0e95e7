#include "synth/display.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace xnet::synth {

namespace {
// Quantile of the values inside the field (every 3rd pixel is plenty for a window).
double field_quantile(const cv::Mat& v, const cv::Mat& field, double q) {
  std::vector<float> values;
  for (int y = 0; y < v.rows; y += 3)
    for (int x = 0; x < v.cols; x += 3)
      if (field.at<std::uint8_t>(y, x)) values.push_back(v.at<float>(y, x));
  if (values.empty()) return 0.0;
  const std::size_t k = std::min(values.size() - 1, static_cast<std::size_t>(q * values.size()));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(k), values.end());
  return values[k];
}
}  // namespace

cv::Mat render_display(const cv::Mat& raw, const cv::Mat& field, double offset, Random& rng) {
  // Log of the signal: proportional to the attenuation, so bone comes out bright.
  cv::Mat a = raw - offset;
  a = cv::max(a, 1.0);
  cv::log(a, a);
  a = -a;
  // Unsharp masking ("edge enhancement" of clinical processing), kernel 1-4 % of the image.
  const double sigma = rng.uniform(0.01, 0.04) * raw.cols, amount = rng.uniform(0.0, 1.5);
  cv::Mat low;
  cv::GaussianBlur(a, low, cv::Size(), sigma, 0, cv::BORDER_REPLICATE);
  a = a + amount * (a - low);
  // Window on the exposed field, with some clipping at both ends as processing does.
  const double lo = field_quantile(a, field, rng.uniform(0.0, 0.03));
  const double hi = field_quantile(a, field, rng.uniform(0.97, 1.0));
  a = (a - lo) / std::max(hi - lo, 1e-6);
  a = cv::min(cv::max(a, 0.0), 1.0);
  // Contrast curve: a gamma or a film-like sigmoid.
  if (rng.chance(0.5)) {
    cv::pow(a, rng.uniform(0.6, 1.6), a);
  } else {
    const double slope = rng.uniform(3, 10);
    const double s0 = 1 / (1 + std::exp(slope / 2)), s1 = 1 / (1 + std::exp(-slope / 2));
    cv::Mat e;
    cv::exp(-slope * (a - 0.5), e);
    a = (1.0 / (1.0 + e) - s0) / (s1 - s0);
  }
  cv::Mat out = a * 255.0;
  // Electronic shutter: many systems black out what lies behind the blades.
  if (rng.chance(0.4)) out.setTo(0.0, field == 0);
  cv::Mat rounded;
  out.convertTo(rounded, CV_8U);
  rounded.convertTo(out, CV_32F);
  return out;
}

}  // namespace xnet::synth
