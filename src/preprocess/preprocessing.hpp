#pragma once
// What a radiograph becomes before the network sees it. Stored in the model file and applied
// identically at training and at prediction.
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "collimator/collimator_field.hpp"
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
  // An elongated image (long side over short side above max_squash_aspect) is seen on a grid
  // whose short side is input_size and long side in proportion, covered by overlapping square
  // windows of input_size (network_windows). Squashed into one square instead, a 1:8 long-leg
  // radiograph shows femurs as short blobs no training image looks like. Off by default: with
  // the demo's model trained on square synthetic images, windows lowered long-leg bone recall
  // on real-dev from 0.58 to 0.31 (rulers and stitching lines seen at full scale read as bone).
  // Model files before this option squash every image (false when absent).
  bool square_windows = false;
};

// Aspect ratios up to this are squashed into one square: two windows would add a network
// pass for little change of shape (a 4:3 detector stretched by a third).
inline constexpr double max_squash_aspect = 1.4;

// "method" names the canonical representation below; reading a model file that names another
// one is an error rather than a silent change of the network's input.
void to_json(nlohmann::json& j, const Preprocessing& p);
void from_json(const nlohmann::json& j, Preprocessing& p);
// A model file's preprocessing: `stored`, with the model's own input size where it names none
// (older files store it once, beside the network).
Preprocessing model_preprocessing(nlohmann::json stored, int model_input_size);

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

// The exposed field the intensity range is taken from, as training and prediction alike find it:
// with within_field, from the pixels alone (collimator/collimator.hpp), as a mask for
// canonical_of_pixels / network_input; else an empty Mat. `found` (optional) receives the field.
cv::Mat normalisation_field(const Radiograph& radiograph, Polarity polarity, const Preprocessing& preprocessing,
                            std::optional<CollimatorField>* found = nullptr);

// The grid an image of this size is seen on: input_size x input_size, or for an elongated
// image with square_windows, the short side at input_size and the long side in proportion.
cv::Size network_grid(cv::Size image, const Preprocessing& preprocessing);

// The square windows (side: the grid's short side) that cover a grid: one for a square grid,
// else evenly spaced along the long side, neighbours overlapping by at least a quarter.
std::vector<cv::Rect> network_windows(cv::Size grid);
// The square window at `where` (0: the grid's start .. 1: its end) along the long side.
cv::Rect square_window(cv::Size grid, double where);

// The network's input: CV_32FC1 at network_grid(). The pixels are resized first (area
// averaging when shrinking, like binning detector pixels; bilinear when enlarging), then
// made canonical over the whole grid (one intensity range for every window), so a 1500x1500
// image costs one resize plus a 200x200 canonicalisation. Predictions are resized back to the
// input's size. `field` as for canonical_of_pixels, at the radiograph's size.
cv::Mat network_input(const Radiograph& radiograph, Polarity polarity,
                      const Preprocessing& preprocessing, const cv::Mat& field = {});

// Label maps (CV_8UC1) resized with nearest neighbour: labels are never mixed.
cv::Mat resize_labels(const cv::Mat& labels, cv::Size size);
inline cv::Mat resize_labels(const cv::Mat& labels, int size) { return resize_labels(labels, {size, size}); }

}  // namespace xnet
