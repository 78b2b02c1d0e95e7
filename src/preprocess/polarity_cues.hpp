#pragma once
// The measurements detect_polarity_of_pixels combines (internal to preprocess; polarity_lab
// prints them).
#include <array>

#include <opencv2/core.hpp>

namespace xnet::detail {

struct PolarityCues {
  static constexpr int count = 12;
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
  // Shares of the image within 5 % of its robust range from the dark end (open beam in a
  // display image; a shield or dense anatomy in a raw one) and from the bright end.
  double dark_end = 0, bright_end = 0;
  // The band's cues inside the field CollimatorDetector (infer/collimator.hpp) finds when
  // the image is taken as raw (open beam bright), and as display (inverted).
  struct Hypothesis {
    double field = 0;  // 1 when the detector found a collimator, else the whole image is used
    double edge = 0;  // as `edge`: band less field, > 0 bright along the field's edge
    double ring_saturated = 0;  // as `ring_saturated`
  };
  Hypothesis as_raw, as_display;
  std::array<double, count> values() const {
    return {edge, saturated, levels, ring_saturated, dark_end, bright_end, as_raw.field, as_raw.edge, as_raw.ring_saturated,
            as_display.field, as_display.edge, as_display.ring_saturated};
  }
};

// `pixels`: CV_32F, any scale, high = bright on screen.
PolarityCues polarity_cues(const cv::Mat& pixels);

}  // namespace xnet::detail
