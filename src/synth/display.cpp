#include "synth/display.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace xnet::synth {

namespace {
// Values inside the field, sorted (every 3rd pixel is plenty for a window).
std::vector<float> sorted_field_values(const cv::Mat& v, const cv::Mat& field) {
  std::vector<float> values;
  for (int y = 0; y < v.rows; y += 3)
    for (int x = 0; x < v.cols; x += 3)
      if (field.at<std::uint8_t>(y, x)) values.push_back(v.at<float>(y, x));
  if (values.empty()) values.push_back(0.0f);
  std::sort(values.begin(), values.end());
  return values;
}

double quantile(const std::vector<float>& sorted, std::size_t from, double q) {
  const std::size_t n = sorted.size() - from;
  return sorted[from + std::min(n - 1, static_cast<std::size_t>(q * n))];
}
}  // namespace

cv::Mat render_display(const cv::Mat& raw, const cv::Mat& field, double offset, Random& rng) {
  // Log of the signal: proportional to the attenuation, so bone comes out bright.
  // (Processing steps after e.g. Prokop et al., Eur. Radiol. 2003, on digital radiography.)
  cv::Mat a = raw - offset;
  a = cv::max(a, 1.0);
  cv::log(a, a);
  a = -a;
  // Dynamic range compression: flatten the slow thickness variation so that anatomy on
  // thick and thin parts shows at once, as multiscale clinical processing does.
  cv::Mat wide;
  cv::GaussianBlur(a, wide, cv::Size(), rng.uniform(0.05, 0.12) * raw.cols, 0, cv::BORDER_REPLICATE);
  a = a - rng.uniform(0.1, 0.6) * (wide - quantile(sorted_field_values(wide, field), 0, 0.5));
  // Unsharp masking ("edge enhancement" of clinical processing), kernel 1-4 % of the image.
  const double sigma = rng.uniform(0.01, 0.04) * raw.cols, amount = rng.uniform(0.0, 1.5);
  cv::Mat low;
  cv::GaussianBlur(a, low, cv::Size(), sigma, 0, cv::BORDER_REPLICATE);
  a = a + amount * (a - low);
  // Window on the anatomy, as clinical processing finds it in the histogram: direct
  // exposure (within 0.15 of the darkest log value, ~15 % attenuation) is left out of the
  // lower bound and ends up black.
  const std::vector<float> values = sorted_field_values(a, field);
  const float direct = static_cast<float>(quantile(values, 0, 0.005)) + 0.15f;
  std::size_t anatomy = std::upper_bound(values.begin(), values.end(), direct) - values.begin();
  if (anatomy + 20 > values.size()) anatomy = 0;  // nothing but open beam: window on all
  const double lo = quantile(values, anatomy, rng.uniform(0.0, 0.03));
  const double hi = quantile(values, anatomy, rng.uniform(0.97, 0.998));
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
