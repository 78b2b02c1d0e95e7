#pragma once
// Building blocks shared by the anatomy builders (internal to the synth stage).
#include <vector>

#include "synth/anatomy.hpp"

namespace xnet::synth::parts {

// Point at distance len from p in direction angle (deg, 0 = +x, 90 = +y).
cv::Point2d along(cv::Point2d p, double angle, double len);

// A long bone: tapered shaft with flared ends, cortex thick mid-shaft and thin at the ends.
Part long_bone(cv::Point2d a, cv::Point2d b, double ra, double rb, double waist, double shell_mid,
               double shell_end, double depth = 1.0);
// A compact bone (carpal, tarsal, condyle, vertebral element) with a thin cortical shell.
Part short_bone(cv::Point2d c, double ax, double ay, double az, double angle, double shell,
                double tilt = 0.0);
Part flesh(cv::Point2d a, cv::Point2d b, double ra, double rb, double depth);
Part flesh_blob(cv::Point2d c, double ax, double ay, double az, double angle = 0.0);

struct Phalanx {
  double length, radius;
};
// A digit: bones laid end to end from `start` along `angle` with joint gaps, each bending by
// a random flexion; its soft-tissue sleeve `margin` mm around the bones. Returns the tip.
cv::Point2d digit(Body& body, Random& rng, cv::Point2d start, double angle,
                  const std::vector<Phalanx>& bones, double gap, double max_flexion, double margin);

// Femoral head (centre `head`), neck at `neck_angle` deg to the shaft, trochanters and the
// shaft along `shaft_dir` (deg, distal) for `shaft_length` mm (none below 10 mm: the caller
// draws it); returns the shaft's distal end.
// The hip's medial side is -x.
cv::Point2d proximal_femur(Body& body, cv::Point2d head, double k, double neck_angle, double shaft_dir,
                           double shaft_length);
// Acetabular roof over the femoral head, ilium above it, pubic and ischial rami (medial, -x).
void hemipelvis(Body& body, cv::Point2d head, double k);

// Mirrors a body left to right (x -> -x): the other side's limb.
void mirror_x(Body& body);

// Random factor around 1 for proportions (+-spread).
double vary(Random& rng, double spread);

}  // namespace xnet::synth::parts
