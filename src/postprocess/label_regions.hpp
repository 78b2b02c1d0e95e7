#pragma once
// Connected regions of a label map: finding the tiny ones and giving them the class of what
// surrounds them. Shared by the bone opening, small-region removal and the collimator field.
#include <opencv2/core.hpp>

namespace xnet {

// CV_8U mask (255) of the pixels of every 8-connected region of one label (ignore excluded)
// with fewer than `min_pixels` pixels. One pass over all classes: runs of equal labels are
// joined with union-find, so the cost hardly depends on the number of classes.
cv::Mat small_regions_mask(const cv::Mat& labels, int min_pixels);

// Relabels every 4-connected group of `holes` (CV_8U, nonzero = hole) with the most frequent
// label among the pixels bordering it from outside, `excluded_label` not voting (the bone
// opening must not hand removed bone back to bone). A group without voters keeps its labels;
// ignore (255) pixels never change and never vote.
void fill_from_surroundings(cv::Mat& labels, const cv::Mat& holes, int excluded_label = -1);

}  // namespace xnet
