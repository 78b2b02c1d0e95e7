#include "augment/intensity.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "augment/random_draw.hpp"
#include "core/labels.hpp"

namespace xnet {

namespace {

// Dynamic range compression, local equalisation and a tone curve, each with its probability:
// what vendors' processing does differently (intensity.hpp), so grey levels alone cannot
// identify a class. Image 0..1 in and out.
void randomise_grey_values(cv::Mat& image, const AugmentOptions& o, std::mt19937& rng) {
  const bool compress = draw::chance(rng, o.range_compression_probability);
  const double compression = draw::uniform(rng, 0.2, 1.0) * o.max_range_compression;
  const double compression_sigma = draw::uniform(rng, 0.04, 0.15) * image.cols;
  if (compress && compression > 0.0) {
    cv::Mat wide;
    cv::GaussianBlur(image, wide, cv::Size(), compression_sigma, 0, cv::BORDER_REFLECT_101);
    image = image - compression * (wide - cv::mean(wide)[0]);
    double lo = 0, hi = 0;
    cv::minMaxLoc(image, &lo, &hi);
    if (hi > lo) image.convertTo(image, CV_32F, 1.0 / (hi - lo), -lo / (hi - lo));
  }

  const bool equalise = draw::chance(rng, o.local_equalisation_probability);
  const double clip_limit = draw::uniform(rng, 1.5, 4.0);
  const int tiles = static_cast<int>(draw::uniform(rng, 3.0, 9.0));
  const double share = draw::uniform(rng, 0.3, 1.0);
  if (equalise && std::min(image.rows, image.cols) >= 32) {  // tiles of at least 4 px
    cv::Mat levels, equalised;
    image.convertTo(levels, CV_16U, 65535.0);
    cv::createCLAHE(clip_limit, cv::Size(tiles, tiles))->apply(levels, equalised);
    equalised.convertTo(equalised, CV_32F, 1.0 / 65535.0);
    cv::addWeighted(image, 1.0 - share, equalised, share, 0.0, image);
  }

  // Knots at 0, 1/6 .. 1: slopes exp(U(-log m, log m)) normalised to rise from 0 to 1.
  constexpr int knots = 6;
  const bool curve = draw::chance(rng, o.tone_curve_probability);
  std::array<double, knots + 1> at{};
  for (int k = 1; k <= knots; ++k)
    at[k] = at[k - 1] + std::exp(draw::symmetric(rng, std::log(o.max_tone_slope)));
  if (curve && o.max_tone_slope > 1.0) {
    cv::Mat lut(1, 256, CV_32F);
    for (int i = 0; i < 256; ++i) {
      const double x = i / 255.0 * knots;
      const int k = std::min(knots - 1, static_cast<int>(x));
      lut.at<float>(i) = static_cast<float>((at[k] + (x - k) * (at[k + 1] - at[k])) / at[knots]);
    }
    // Linear interpolation between the 256 entries keeps the curve smooth on float images.
    image.forEach<float>([&](float& v, const int*) {
      const float x = std::clamp(v, 0.0f, 1.0f) * 255.0f;
      const int i = std::min(254, static_cast<int>(x));
      v = lut.at<float>(i) + (x - i) * (lut.at<float>(i + 1) - lut.at<float>(i));
    });
  }
  cv::min(cv::max(image, 0.0), 1.0, image);
}

}  // namespace

void augment_intensity(cv::Mat& image, const cv::Mat& labels, const AugmentOptions& options,
                       std::mt19937& rng) {
  CV_Assert(image.type() == CV_32FC1);
  // Window width and level: contrast about mid grey, then a shift, clipped like a window.
  const double gain = 1.0 + draw::symmetric(rng, options.max_gain);
  const double offset = draw::symmetric(rng, options.max_offset);
  image.convertTo(image, CV_32F, gain, 0.5 - 0.5 * gain + offset);
  cv::min(cv::max(image, 0.0), 1.0, image);

  const double log_gamma = draw::symmetric(rng, std::log(options.max_gamma));
  cv::pow(image, std::exp(log_gamma), image);

  randomise_grey_values(image, options, rng);

  const bool display_look = draw::chance(rng, options.display_look_probability);
  const double enhancement = draw::uniform(rng, 0.0, options.max_edge_enhancement);
  const double unsharp_sigma = draw::uniform(rng, 1.0, 4.0) * image.cols / 200.0;
  if (display_look && enhancement > 0.0) {
    cv::Mat blurred;
    cv::GaussianBlur(image, blurred, cv::Size(0, 0), unsharp_sigma);
    cv::addWeighted(image, 1.0 + enhancement, blurred, -enhancement, 0.0, image);
  }

  // Poisson noise after the log grows with attenuation: s.d. sigma * (0.5 + x).
  const double noise_sd = draw::uniform(rng, 0.0, options.max_noise);
  if (noise_sd > 0.0) {
    const std::uint64_t high = rng();
    const std::uint64_t low = rng();
    cv::RNG noise_rng(high << 32 | low);
    cv::Mat noise(image.size(), CV_32FC1);
    noise_rng.fill(noise, cv::RNG::NORMAL, 0.0, noise_sd);
    image += noise.mul(image + 0.5);
  }
  cv::min(cv::max(image, 0.0), 1.0, image);

  if (draw::chance(rng, options.background_removal_probability) && !labels.empty())
    image.setTo(0.0f, labels == label::open_beam);
}

}  // namespace xnet
