#pragma once
// On-the-fly augmentation of a training pair (canonical image, label map).
#include <random>
#include <utility>

#include <opencv2/core.hpp>

#include "augment/augment_options.hpp"

namespace xnet {

class Augmenter {
 public:
  explicit Augmenter(AugmentOptions options = {}) : options_(options) {}

  // image: CV_32FC1 canonical intensities (preprocess/preprocessing.hpp, 0..1, bone bright);
  // labels: CV_8UC1 of the same size (0-3, 255 ignore). Returns a new pair of the same size
  // and types. In order (reference.md): flips; affine (translation, rotation, shear) and the
  // random crop resized back, composed into one resampling (cubic for the image, nearest for
  // labels, reflect padding); then elastic deformation or Gaussian blur; then the intensity
  // augmentation of intensity.hpp. Labels are only ever moved, never mixed: the output holds
  // label values of the input (and 255 outside the data when reflect_labels is off).
  // const and free of shared state: safe to call from several threads, each with its rng.
  std::pair<cv::Mat, cv::Mat> apply(const cv::Mat& image, const cv::Mat& labels,
                                    std::mt19937& rng) const;

  const AugmentOptions& options() const { return options_; }

 private:
  AugmentOptions options_;
};

}  // namespace xnet
