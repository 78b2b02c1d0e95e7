#pragma once
// The measurements detect_polarity_of_pixels weighs (internal to preprocess; polarity_lab
// prints them, lab/fit_polarity.py fits their weights).
#include <array>

#include <opencv2/core.hpp>

namespace xnet::detail {

struct PolarityCues {
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
  // The band's cues inside the field CollimatorDetector (collimator/collimator.hpp) finds when
  // the image is taken as raw (open beam bright), and as display (inverted).
  struct Hypothesis {
    double field = 0;  // 1 when the detector found a collimator, else the whole image is used
    double edge = 0;  // as `edge`: band less field, > 0 bright along the field's edge
    double ring_saturated = 0;  // as `ring_saturated`
  };
  Hypothesis as_raw, as_display;
  // The scaled image's mean in frames at a distance from its border (share of its shorter
  // side: 0-2, 2-5, 5-10, 10-20, 20-35 %, the rest): how brightness runs from the border,
  // where collimator and open beam lie, in to the anatomy.
  std::array<double, 6> frames{};
  // Its histogram: shares in 8 equal bins of the scaled range.
  std::array<double, 8> histogram{};
  // Compact structures brighter or darker than their surroundings, at three sizes (discs of
  // 1/64, 1/24 and 1/10 of the shorter side), inside the field: (W - B) / (W + B) of the mean
  // white and black top-hat. Bone, dense glands and cortex are bright in a display image and
  // dark in a raw one, whatever the LUT did to the grey values.
  std::array<double, 3> tophat{};
  // Outside the blade finder's field (the collimated border), where it leaves at least 2 % of
  // the image: its mean less the field's, and its shares within 5 % of either end. A raw
  // image's shielded border is dark; a display image's is white, or black where an
  // electronic shutter blanked it, and flat either way.
  double outside_contrast = 0, outside_bright = 0, outside_dark = 0;

  // What the classifier weighs, in the order of `feature_names`: the cues above, saturation
  // only where the image spans enough grey levels to tell it from a flat open beam on one
  // quantisation level, the hypotheses' cues only where their detector found a field.
  static constexpr int feature_count = 11 + 6 + 8 + 3 + 3;
  static const std::array<const char*, feature_count> feature_names;
  std::array<double, feature_count> features() const;
};

// `pixels`: CV_32F, any scale, high = bright on screen.
PolarityCues polarity_cues(const cv::Mat& pixels);

}  // namespace xnet::detail
