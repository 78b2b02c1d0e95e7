#pragma once
// The exposed field the collimator blades leave open: a convex polygon with straight edges in
// pixel coordinates (x right, y down; the image spans [0, W] x [0, H], pixel (c, r) has its
// centre at (c + 0.5, r + 0.5)).
#include <vector>

#include <opencv2/core.hpp>

#include "synth/random.hpp"

namespace xnet::synth {

struct ExposedField {
  bool present = false;                // false: no blade in the image, polygon = whole image
  std::vector<cv::Point2d> polygon;    // clockwise on screen (positive shoelace area)
};

// A rectangle of blades, often rotated, sometimes absent, sometimes cutting the anatomy,
// centred near `centre` (px), clipped to the image; blades in view with probability `chance`.
ExposedField random_field(Random& rng, cv::Size size, cv::Point2d centre, double chance = 0.8);
ExposedField whole_image(cv::Size size);

// Sutherland-Hodgman clip of a convex polygon to the image rectangle.
std::vector<cv::Point2d> clip_to_image(const std::vector<cv::Point2d>& polygon, cv::Size size);

// CV_8U: 1 where the pixel centre lies inside the field, 0 behind the blades.
cv::Mat field_mask(const ExposedField& field, cv::Size size);

}  // namespace xnet::synth
