#pragma once
// From class probabilities to a clean label map at the input's full resolution: upsample the
// probabilities, decide with the soft-tissue threshold, then the clean-up of reference.md.
// Torch-free (OpenCV only) so that it can be tested and timed on its own.
#include <vector>

#include <opencv2/core.hpp>

namespace xnet {

struct PostprocessOptions {
  // A pixel is soft tissue only if p(soft tissue) > t, else the larger of the other classes
  // decides (0.6 default, up to 0.99 per body part, reference.md). < 0: plain argmax.
  double soft_tissue_threshold = 0.6;

  // Sizes below are given at the network's scale (its input side, 200 px in reference.md) and
  // multiplied by (image side / network grid side) per axis, so the clean-up removes the same
  // anatomy whatever the detector's resolution (10x10 at 200 px -> 75x75 at 1500 px). The
  // grid is the logits' size (preprocess/preprocessing.hpp: network_grid).
  cv::Size network_grid{200, 200};

  // Bone clean-up: opening of the bone mask removes bone groups a square of this side does not
  // fit into; the removed pixels take their surroundings' majority class. reference.md opens
  // with 10x10, but at the network's 200 px scale finger phalanges are 3-6 px wide and a 10x10
  // opening erased them (seen on the demo's hands), so the default is 3; --bone-opening-size 10
  // gives the reference's setting.
  bool bone_opening = true;
  int bone_opening_size = 3;

  // Then dilation of the bone mask by this many pixels of the label map (Euclidean disc; "a
  // chosen number of pixels", reference.md). Only open beam and soft tissue are overwritten.
  int bone_dilation = 0;

  // Tiny isolated regions of any class (8-connected) smaller than this many pixels at the
  // network's scale (scaled by the area ratio) take their surroundings' majority class.
  bool remove_small_regions = true;
  int min_region_pixels = 4;
};

// Bilinear upsampling of each class's CV_32F probability map to `full` (half-pixel centres, as
// cv::resize). Convex weights keep the per-pixel sum at 1. Channels run in parallel.
std::vector<cv::Mat> upsample_probabilities(const std::vector<cv::Mat>& small, cv::Size full);

// CV_8U label map from CV_32F maps of the classes (index = label value; 3 or 4 classes): soft
// tissue (1) only where p1 > soft_tissue_threshold, else the largest of the others; argmax when
// the threshold is < 0. Ties go to the lower label.
cv::Mat decide_labels(const std::vector<cv::Mat>& probabilities, double soft_tissue_threshold);

// Applies the enabled clean-up steps of `options` in the order opening, dilation, small regions.
// Pixels labelled ignore (255) are never changed and never vote.
cv::Mat postprocess(cv::Mat labels, const PostprocessOptions& options);

// The individual steps (sizes in pixels of `labels`), for callers that need only one.
cv::Mat open_bone(const cv::Mat& labels, cv::Size square);
cv::Mat dilate_bone(const cv::Mat& labels, int pixels);
cv::Mat remove_small_regions(const cv::Mat& labels, int min_pixels);

}  // namespace xnet
