#pragma once
// What a radiograph becomes before the network sees it. Stored in the model file and applied
// identically at training and at prediction.
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "io/radiograph.hpp"
#include "preprocess/polarity.hpp"

namespace xnet {

struct Preprocessing {
  int input_size = 200;  // the reference's 200x200 (reference.md)
  // Robust normalisation: these percentiles of the canonical intensities (ignoring pixels
  // with no signal) go to 0 and 1; values beyond are clamped.
  double low_percentile = 0.5;
  double high_percentile = 99.5;
  // Raw images: intensities below this fraction of the open-beam level count as this
  // fraction (-log of it, 9.2, is the largest attenuation), so zeros stay finite.
  double attenuation_floor = 1e-4;
  // Percentiles (and the raw open-beam level) from the exposed field only, when the caller
  // passes it: a shielded border holds no anatomy, yet as the brightest (raw, or white display
  // shutter) or darkest (black electronic shutter) part of the image it would set one end of
  // the range and squeeze or shift everything inside. Model files before this option were
  // trained without it (false when absent).
  bool within_field = true;
};

// "method" names the canonical representation below; reading a model file that names another
// one is an error rather than a silent change of the network's input.
void to_json(nlohmann::json& j, const Preprocessing& p);
void from_json(const nlohmann::json& j, Preprocessing& p);

// An intensity representation robust to bit depth, exposure and polarity, CV_32FC1 of the
// radiograph's size in [0, 1], bone and collimator bright, open beam dark:
//  raw:     attenuation -log(I / I_open), I_open the open-beam level (the high percentile),
//           I floored at attenuation_floor * I_open. A gain or exposure change only adds a
//           constant, which the normalisation removes.
//  display: the values as they are (a display image is already log-like, bone bright).
// Then the percentiles low..high of the pixels that hold signal (stored value > 0; removed
// background and padding are 0) are mapped to 0..1 and the rest clamped.
// `field` (optional, CV_8U of the pixels' size, non-zero inside the exposed field) limits the
// pixels the percentiles are taken from when preprocessing.within_field is set.
cv::Mat to_canonical(const Radiograph& radiograph, Polarity polarity,
                     const Preprocessing& preprocessing = {});
cv::Mat canonical_of_pixels(const cv::Mat& pixels, Polarity polarity,
                            const Preprocessing& preprocessing = {}, const cv::Mat& field = {});

// The network's input: CV_32FC1 input_size x input_size. The pixels are resized first (area
// averaging when shrinking, like binning detector pixels; bilinear when enlarging), then
// made canonical, so a 1500x1500 image costs one resize plus a 200x200 canonicalisation.
// Non-square images are stretched; predictions are resized back to the input's size.
// `field` as for canonical_of_pixels, at the radiograph's size.
cv::Mat network_input(const Radiograph& radiograph, Polarity polarity,
                      const Preprocessing& preprocessing, const cv::Mat& field = {});

// Label maps (CV_8UC1) resized with nearest neighbour to size x size: labels are never mixed.
cv::Mat resize_labels(const cv::Mat& labels, int size);

}  // namespace xnet
