#include "synth/display.hpp"

#include <algorithm>
#include <cmath>
#include <string>
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

// The anatomy's values, sorted: what the histogram analysis of clinical processing sees.
// Direct exposure (within 0.15 of the darkest log value, ~15 % attenuation) is left out, so
// it ends up black; returns the values and where the anatomy starts among them.
std::pair<std::vector<float>, std::size_t> anatomy_values(const cv::Mat& a, const cv::Mat& field) {
  std::vector<float> values = sorted_field_values(a, field);
  const float direct = static_cast<float>(quantile(values, 0, 0.005)) + 0.15f;
  std::size_t anatomy = std::upper_bound(values.begin(), values.end(), direct) - values.begin();
  if (anatomy + 20 > values.size()) anatomy = 0;  // nothing but open beam: window on all
  return {std::move(values), anatomy};
}

// The window on the anatomy (0-3 % to 97-99.8 % quantiles), its bottom lowered by up to
// `margin` of its width.
std::pair<double, double> anatomy_window(const cv::Mat& a, const cv::Mat& field, double margin,
                                         Random& rng) {
  const auto [values, anatomy] = anatomy_values(a, field);
  const double lo = quantile(values, anatomy, rng.uniform(0.0, 0.03));
  const double hi = quantile(values, anatomy, rng.uniform(0.97, 0.998));
  const double width = std::max(hi - lo, 1e-6);
  return {lo - (margin > 0 ? rng.uniform(0, margin) : 0.0) * width, lo + width};
}

// Multi-scale contrast equalisation as CR/DR systems do it (Agfa's MUSICA: Vuylsteke &
// Schoeters, Proc. SPIE 2167, 1994): a Laplacian pyramid of 4-6 bands, each band's
// coefficients raised to a power 0.5-0.9 of their size (small details boosted most) and
// amplified 1-2.5 times, finer bands more.
cv::Mat multiscale_contrast(const cv::Mat& a, Random& rng) {
  const int levels = rng.integer(4, 6);
  const double power = rng.uniform(0.5, 0.9), gain = rng.uniform(1.0, 2.5);
  std::vector<cv::Mat> gauss;
  cv::buildPyramid(a, gauss, levels, cv::BORDER_REPLICATE);
  cv::Mat out = gauss[levels];
  for (int l = levels - 1; l >= 0; --l) {
    cv::Mat up;
    cv::pyrUp(gauss[l + 1], up, gauss[l].size());
    cv::Mat band = gauss[l] - up;
    cv::Scalar mean, sd;
    cv::meanStdDev(band, mean, sd);
    const double m = std::max(3 * sd[0], 1e-6);  // the band's large contrasts keep their size
    cv::Mat magnitude = cv::abs(band) / m, boosted;
    cv::pow(magnitude, power, boosted);
    const double g = 1 + (gain - 1) * (levels - l) / levels;
    cv::Mat sign = (band >= 0) / 255;
    sign.convertTo(sign, CV_32F, 2.0, -1.0);
    band = g * m * boosted.mul(sign);
    cv::pyrUp(out, up, gauss[l].size());
    out = up + band;
  }
  return out;
}

// Digital processing (after e.g. Prokop et al., Eur. Radiol. 2003, on digital radiography).
cv::Mat processed(cv::Mat a, const cv::Mat& field, double margin, Random& rng) {
  // Dynamic range compression: flatten the slow thickness variation so that anatomy on
  // thick and thin parts shows at once, as multiscale clinical processing does.
  cv::Mat wide;
  cv::GaussianBlur(a, wide, cv::Size(), rng.uniform(0.05, 0.12) * a.cols, 0, cv::BORDER_REPLICATE);
  a = a - rng.uniform(0.1, 0.6) * (wide - quantile(sorted_field_values(wide, field), 0, 0.5));
  if (rng.chance(0.5)) {
    a = multiscale_contrast(a, rng);
  } else {
    // Unsharp masking ("edge enhancement" of clinical processing), kernel 1-4 % of the image.
    const double sigma = rng.uniform(0.01, 0.04) * a.cols, amount = rng.uniform(0.0, 1.5);
    cv::Mat low;
    cv::GaussianBlur(a, low, cv::Size(), sigma, 0, cv::BORDER_REPLICATE);
    a = a + amount * (a - low);
  }
  const auto [lo, hi] = anatomy_window(a, field, margin, rng);
  a = (a - lo) / (hi - lo);
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
  return a;
}

// A digitised film: optical density is a sigmoid of log exposure (the film's characteristic
// H&D curve), read back so that low density (little exposure) is bright. Its gradient is
// physical, not fitted to the image: 2.5-4 (dD/dlog10 E; Bushberg et al., ch. 7-8) over a
// density range of ~3.5 gives a slope of 1-2 per natural-log unit. The exposure (phototimer)
// puts the least attenuating anatomy (lungs, fat) at mid density; the open beam ends at the
// shoulder (black, base + fog and the digitiser's floor). In a breast the phototimer's cell
// sits behind the thick interior, not the thin rim, so its anchor quantile is higher. Film grain: fine noise, strongest
// at mid densities.
cv::Mat film(cv::Mat a, const cv::Mat& raw, const cv::Mat& field, std::pair<double, double> anchor,
             Random& rng) {
  const auto [values, anatomy] = anatomy_values(a, field);
  const double lo = quantile(values, anatomy, rng.uniform(anchor.first, anchor.second));
  const double slope = rng.uniform(1.3, 2.3), lightest = rng.uniform(0.3, 0.6);
  cv::Mat e;
  cv::exp(-slope * (a - lo) - std::log(lightest / (1 - lightest)), e);
  a = 1.0 / (1.0 + e);
  cv::Mat grain(a.size(), CV_32F);
  for (int y = 0; y < grain.rows; ++y)
    for (int x = 0; x < grain.cols; ++x) grain.at<float>(y, x) = static_cast<float>(rng.normal());
  cv::GaussianBlur(grain, grain, cv::Size(), rng.uniform(0.5, 1.0), 0, cv::BORDER_REPLICATE);
  a = a + rng.uniform(0.02, 0.06) * grain.mul(4.0 * a.mul(1.0 - a) + 0.15);
  const double base = rng.uniform(0.0, 0.06), top = rng.uniform(0.0, 0.06);
  a = base + (1.0 - base - top) * cv::min(cv::max(a, 0.0), 1.0);
  // A lead marker ("R MLO", ...) lies in the open beam of one corner, when one is free.
  if (rng.chance(0.4)) {
    static const char* const markers[] = {"R MLO", "L MLO", "R CC", "L CC", "RMLO", "LCC", "R", "L"};
    const std::string text = markers[rng.integer(0, 7)];
    const double scale = a.cols / 512.0 * rng.uniform(0.6, 1.2);
    const int thick = std::max(1, static_cast<int>(std::lround(2 * scale)));
    int baseline = 0;
    const cv::Size box = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, thick, &baseline);
    double brightest;
    cv::minMaxLoc(raw, nullptr, &brightest);
    const int first = rng.integer(0, 3), margin = a.cols / 25;
    for (int k = 0; k < 4; ++k) {
      const int corner = (first + k) % 4;
      const cv::Rect r(corner % 2 ? a.cols - margin - box.width : margin,
                       corner / 2 ? a.rows - margin - box.height - baseline : margin, box.width,
                       box.height + baseline);
      if ((r & cv::Rect(0, 0, a.cols, a.rows)) != r) continue;
      double darkest;
      cv::minMaxLoc(raw(r), &darkest);
      double free_field;
      cv::minMaxLoc(field(r), &free_field);
      if (darkest < 0.85 * brightest || free_field < 1) continue;  // anatomy or blades there
      cv::putText(a, text, {r.x, r.y + box.height}, cv::FONT_HERSHEY_SIMPLEX, scale,
                  cv::Scalar(rng.uniform(0.8, 1.0)), thick, cv::LINE_AA);
      break;
    }
  }
  return a;
}
}  // namespace

cv::Mat render_display(const cv::Mat& raw, const cv::Mat& field, double offset, DisplayLook look,
                       Random& rng) {
  // Log of the signal: proportional to the attenuation, so bone comes out bright.
  cv::Mat a = raw - offset;
  a = cv::max(a, 1.0);
  cv::log(a, a);
  a = -a;
  const bool film_look = look.style == DisplayStyle::film;
  a = film_look ? film(a, raw, field, look.film_anchor, rng) : processed(a, field, look.window_margin, rng);
  cv::Mat out = a * 255.0;
  // Electronic shutter: many systems black out what lies behind the blades.
  if (!film_look && rng.chance(0.4)) out.setTo(0.0, field == 0);
  cv::Mat rounded;
  out.convertTo(rounded, CV_8U);
  rounded.convertTo(out, CV_32F);
  return out;
}

}  // namespace xnet::synth
