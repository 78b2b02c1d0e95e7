#pragma once
// The measurements detect_polarity_of_pixels combines (internal to preprocess; polarity_lab
// prints them).
#include <array>

#include <opencv2/core.hpp>

namespace xnet::detail {

struct PolarityCues {
  static constexpr int count = 4;
  static const std::array<const char*, count> names;
  // Mean of the 6 px band along the exposed field's edge less the field's mean, on the
  // image scaled to its 0.1..99.9 percentile range: > 0 open beam along the edge (raw).
  double edge = 0;
  // Share of the pixels exactly at the image's maximum.
  double saturated = 0;
  // Grey levels the image's range spans: (max - min) / finest step between neighbours.
  double levels = 0;
  // Share of the band along the field's edge (the one `edge` reads) exactly at the maximum:
  // near 1 where a detector clipped the open beam (raw), near 0 in a windowed display image,
  // whose clipped whites are bone, labels or the collimator outside the field.
  double ring_saturated = 0;
  std::array<double, count> values() const { return {edge, saturated, levels, ring_saturated}; }
};

// `pixels`: CV_32F, any scale, high = bright on screen.
PolarityCues polarity_cues(const cv::Mat& pixels);

}  // namespace xnet::detail
