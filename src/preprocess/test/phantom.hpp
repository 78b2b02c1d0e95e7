#pragma once
// A hand-like test scene drawn with OpenCV and rendered the two ways radiographs come:
// raw (Beer-Lambert, Poisson noise, 16-bit, open beam bright) and display (log, window,
// bone bright, edge enhanced, 8-bit). Stands in for the synthetic generator in these tests.
#include <cmath>
#include <random>

#include <opencv2/imgproc.hpp>

#include "io/radiograph.hpp"

namespace xnet::test {

// Attenuation mu*t of a palm with five fingers and their bones; outside an optional rotated
// collimator field the beam is blocked (attenuation 7).
inline cv::Mat hand_attenuation(int size, bool collimator) {
  const double s = size / 200.0;
  cv::Mat tissue = cv::Mat::zeros(size, size, CV_8UC1);
  cv::Mat bone = cv::Mat::zeros(size, size, CV_8UC1);
  const cv::Point palm(int(100 * s), int(130 * s));
  cv::ellipse(tissue, palm, cv::Size(int(42 * s), int(50 * s)), 0, 0, 360, 255, cv::FILLED);
  cv::rectangle(tissue, cv::Point(int(75 * s), int(150 * s)), cv::Point(int(125 * s), size), 255,
                cv::FILLED);  // forearm leaving the image
  const int finger_x[] = {62, 82, 102, 122, 146};
  const int finger_top[] = {55, 35, 30, 40, 85};
  for (int i = 0; i < 5; ++i) {
    const cv::Point base(int(finger_x[i] * s), int(115 * s)), tip(int((finger_x[i] + (i == 4 ? 14 : 0)) * s), int(finger_top[i] * s));
    cv::line(tissue, base, tip, 255, int(14 * s));
    cv::line(bone, base, tip, 255, int(6 * s));
  }
  cv::rectangle(bone, cv::Point(int(88 * s), int(160 * s)), cv::Point(int(112 * s), size), 255,
                cv::FILLED);
  // Thickness grows inwards from the skin, like a rounded limb.
  cv::Mat depth;
  cv::distanceTransform(tissue, depth, cv::DIST_L2, 3);
  cv::sqrt(depth / (10.0 * s), depth);
  cv::Mat attenuation = cv::min(depth, 1.0) * 1.1;
  cv::Mat bone_f;
  bone.convertTo(bone_f, CV_32F, 0.9 / 255.0);
  cv::GaussianBlur(bone_f, bone_f, cv::Size(0, 0), 1.0 * s);
  attenuation += bone_f;
  if (collimator) {
    cv::Mat field = cv::Mat::zeros(size, size, CV_8UC1);
    const cv::RotatedRect rect(cv::Point2f(size * 0.5f, size * 0.55f),
                               cv::Size2f(size * 0.85f, size * 1.2f), 8.0f);
    cv::Point2f corners[4];
    rect.points(corners);
    std::vector<cv::Point> polygon(corners, corners + 4);
    cv::fillConvexPoly(field, polygon, 255);
    attenuation.setTo(7.0, field == 0);
  }
  return attenuation;
}

// Detector counts: I = open * exp(-attenuation) plus 1 % scatter, Poisson noise
// (Gaussian with variance = mean), clamped to 16 bits.
inline cv::Mat render_raw(const cv::Mat& attenuation, double open_counts, unsigned seed) {
  cv::Mat intensity;
  cv::exp(-attenuation, intensity);
  intensity = intensity * open_counts + 0.01 * open_counts;
  cv::Mat noise(intensity.size(), CV_32F);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::NORMAL, 0.0, 1.0);
  cv::Mat sd;
  cv::sqrt(intensity, sd);
  cv::Mat counts = intensity + noise.mul(sd);
  counts.convertTo(counts, CV_16U);  // rounds and clamps to 0..65535
  counts.convertTo(counts, CV_32F);
  return counts;
}

// A clinical display image made from raw counts: -log, window p1..p99, unsharp masking,
// 8-bit.
inline cv::Mat render_display(const cv::Mat& raw_counts) {
  cv::Mat log_image;
  cv::log(cv::max(raw_counts, 1.0), log_image);
  log_image = -log_image;
  double lo = 0, hi = 0;
  cv::minMaxLoc(log_image, &lo, &hi);
  cv::Mat windowed = (log_image - lo) / (hi - lo);
  cv::Mat blurred;
  cv::GaussianBlur(windowed, blurred, cv::Size(0, 0), 3.0);
  cv::Mat enhanced = windowed + 0.6 * (windowed - blurred);
  cv::Mat out;
  enhanced.convertTo(out, CV_8U, 255.0);
  out.convertTo(out, CV_32F);
  return out;
}

inline Radiograph as_radiograph(const cv::Mat& pixels, int bit_depth) {
  Radiograph r;
  r.pixels = pixels;
  r.bit_depth = bit_depth;
  r.full_scale = bit_depth == 8 ? 255.0 : 65535.0;
  r.source = "phantom.tif";
  return r;
}

}  // namespace xnet::test
