#pragma once
// Raw-like test radiographs with a known exposed field: bright open beam with a heel-effect
// gradient, soft-tissue blobs and bone-like rods, collimator blades (straight, penumbra-blurred,
// leakage and scatter beyond them) and Poisson-like noise. Display-like = log-inverted.
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

#include "collimator/collimator_field.hpp"

namespace xnet::test {

struct PhantomSpec {
  cv::Size size{512, 512};
  std::uint64_t seed = 1;
  std::vector<BladeEdge> blades;   // the exposed field is the intersection of normal.x <= offset
  bool display = false;            // log-inverted: open beam dark, shielded border bright
  bool shutter = false;            // display only: the shielded border blacked out (minimum)
  int soft_blobs = 3, bone_rods = 4;
  std::vector<cv::Point2d> anatomy_centres;  // extra soft-tissue blobs placed here (e.g. on a blade)
};

struct Phantom {
  cv::Mat pixels;  // CV_32F
  CollimatorField truth;
};

Phantom make_phantom(const PhantomSpec& spec);

// Blades of a rectangle of half sides (hw, hh) centred at c, rotated by `degrees`; `sides`
// chooses how many of the four blades exist (the first `sides` of right, bottom, left, top).
std::vector<BladeEdge> rectangle_blades(cv::Point2d centre, double hw, double hh, double degrees,
                                        int sides = 4);

}  // namespace xnet::test
