#include "augment/intensity.hpp"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "augment/random_draw.hpp"
#include "core/labels.hpp"

namespace xnet {

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
