#pragma once
// Finds the exposed field of a radiograph: the straight edges of the collimator blades, each
// accepted only where everything beyond it is uniformly dark (shielded: leakage and scatter
// only), and the field as the intersection of their half-planes with the image.
#include <vector>

#include <opencv2/core.hpp>

#include "collimator/collimator_field.hpp"

namespace xnet {

struct CollimatorDetectorOptions {
  // Blade search on a copy whose longer side has this many pixels; edges are then refined on
  // the full-resolution image, so the result is not limited by this scale.
  int working_side = 256;
  // A blade edge is straight and in contact with the field over at least this fraction of the
  // image's shorter side (anatomy edges are not straight over long lengths).
  double min_edge_fraction = 0.15;
  // Smallest step across a blade edge, as a fraction of the image's robust brightness range.
  double min_contrast = 0.10;
  // A blade has that contrast along at least this share of the field's side on its line.
  double min_bordered_share = 0.6;
  // Display images: the shield beyond a blade varies (10th to 90th percentile) by at most this
  // fraction of the blade's step.
  double max_shield_spread = 0.5;
};

class CollimatorDetector {
 public:
  explicit CollimatorDetector(CollimatorDetectorOptions options = {}) : options_(options) {}

  // `pixels`: the radiograph, CV_32F, any size. `open_beam_bright`: true for raw images (open
  // beam bright, shielded border dark), false for inverted display images. `collimator_probability`
  // (optional, CV_32F of any size): a network's class-3 map, used as a second cue.
  CollimatorField detect(const cv::Mat& pixels, bool open_beam_bright,
                         const cv::Mat& collimator_probability = cv::Mat()) const;

  // The accepted blade edges in input pixel coordinates (what detect() intersects).
  std::vector<BladeEdge> find_blades(const cv::Mat& pixels, bool open_beam_bright,
                                     const cv::Mat& collimator_probability = cv::Mat()) const;

 private:
  // Blades of an image already oriented open beam bright, shielded dark; `linear_in_dose` for
  // a raw image (searched on its logarithm); `behind_shutter` when the shielded side is a
  // candidate electronic shutter, which the caller checks against the blades.
  std::vector<BladeEdge> blades_in(const cv::Mat& oriented, bool linear_in_dose,
                                   const cv::Mat& collimator_probability, bool behind_shutter) const;

  CollimatorDetectorOptions options_;
};

// field_mask() of a detected field, or an empty Mat when it has no collimator (the whole image
// is exposed): what preprocessing's normalisation takes (preprocess/preprocessing.hpp).
cv::Mat exposed_field_mask(const CollimatorField& field, cv::Size size);

}  // namespace xnet
