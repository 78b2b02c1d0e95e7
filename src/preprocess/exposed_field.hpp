#pragma once
// Where the collimator blades are in a radiograph, from the pixels alone (used by the
// polarity cue; internal to preprocess).
#include <vector>

#include <opencv2/core.hpp>

namespace xnet::detail {

// A blade edge: the line through `point` with unit normal `inward` (pointing into the
// exposed field, the side holding the image centre).
struct BladeEdge {
  cv::Point2f point;
  cv::Point2f inward;
};

// Blade edges of a small image `n` (CV_32F, scaled to 0..1 by its robust range). A blade is
// a straight edge that (1) is found by the Hough transform of the strong edges, (2) keeps one
// sign of step (>= 0.2 of the range, across +-5 px) over a run of at least 30 % of the image
// side, and (3) has everything on its outer side, up to the image border, beyond the level
// halfway up that step: behind a blade only leakage arrives, so the collimator is darker than
// anything in the field (raw) or, once inverted and windowed, brighter (display) or black
// (shuttered display), whatever anatomy lies behind it. The outer side must be at most half
// the image. Straight anatomy edges (a limb with more tissue or open beam beyond it) fail
// (3) unless what lies beyond them is uniform up to the border.
std::vector<BladeEdge> find_blade_edges(const cv::Mat& n);

// CV_8U: 1 on the inner side of every blade edge, more than `margin` px from it.
cv::Mat exposed_field(cv::Size size, const std::vector<BladeEdge>& blades, float margin);

}  // namespace xnet::detail
