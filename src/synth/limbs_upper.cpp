// Hand, wrist/forearm and elbow. Body frame in mm, fingers towards -y, forearm towards +y.
// Adult dimensions after standard anatomy tables (e.g. Gray's Anatomy; metacarpal 45-65 mm,
// radius ~240 mm), varied per specimen.
#include <array>

#include "synth/anatomy_parts.hpp"

namespace xnet::synth {

using namespace parts;

namespace {

// Radius and ulna from the wrist (y = 0) up the forearm.
void forearm_bones(Body& b, Random& rng, double length) {
  const double k = vary(rng, 0.12);
  b.parts.push_back(long_bone({-13 * k, 6}, {-9 * k, 6 + length}, 14 * k, 9 * k, 0.5, 3.0, 0.8));
  b.parts.push_back(long_bone({13 * k, 10}, {11 * k, 10 + length}, 8 * k, 10 * k, 0.6, 2.6, 0.8));
}

void hand_skeleton(Body& b, Random& rng, double forearm_length) {
  const double k = vary(rng, 0.1);      // overall hand size
  const double spread = rng.uniform(-4.0, 12.0);  // fingers together or spread
  forearm_bones(b, rng, forearm_length);
  // Carpus: two rows of four overlapping bones.
  for (int row = 0; row < 2; ++row)
    for (int i = 0; i < 4; ++i) {
      // Draws named, in a fixed order (random.hpp).
      const double dy = rng.normal(0, 1.2), dx = rng.normal(0, 1.2);
      const cv::Point2d c((-16 + 11 * i + dx) * k, (-9 - 15 * row + dy) * k);
      const double angle = rng.uniform(0, 180), az = rng.uniform(5, 7) * k;
      const double ay = rng.uniform(4.5, 7) * k, ax = rng.uniform(5.5, 8) * k;
      b.parts.push_back(short_bone(c, ax, ay, az, angle, 0.7));
    }
  // Rays: thumb to little finger (metacarpal, phalanges), lengths in mm.
  struct Ray { double x, angle, meta, r; std::array<double, 3> phal; };
  const std::array<Ray, 5> rays = {{{-22, -128, 44, 5.0, {32, 0, 24}},
                                    {-12, -96, 66, 4.6, {40, 24, 17}},
                                    {-2, -90, 63, 4.7, {45, 28, 19}},
                                    {8, -84, 57, 4.3, {42, 26, 18}},
                                    {17, -76, 52, 4.0, {33, 19, 16}}}};
  for (int i = 0; i < 5; ++i) {
    const Ray& r = rays[i];
    const double angle = r.angle + spread * (i - 2) * 0.5 + rng.normal(0, 2);
    const double p = vary(rng, 0.08) * k;
    const cv::Point2d base(r.x * k, -30 * k);
    std::vector<Phalanx> bones = {{r.meta * p, r.r * k}};
    for (double len : r.phal)
      if (len > 0) bones.push_back({len * p, bones.back().radius * 0.82});
    // Metacarpal inside the palm: its own sleeve is thin, the palm blob carries the flesh.
    const double margin = rng.uniform(4.5, 7.5) * k, gap = rng.uniform(1.5, 3.0) * k;
    digit(b, rng, base, angle, bones, gap, 14.0, margin);
  }
  // Palm, thenar eminence and wrist.
  const double fat = rng.uniform(0.85, 1.25);
  b.parts.push_back(flesh_blob({-2 * k, -58 * k}, 38 * k, 48 * k, 14 * k * fat, rng.normal(0, 3)));
  b.parts.push_back(flesh_blob({-24 * k, -35 * k}, 18 * k, 30 * k, 14 * k * fat, -30));
  b.parts.push_back(flesh({0, -10 * k}, {0, 20 + forearm_length}, 30 * k * fat, 38 * k * fat, 0.65));
}

}  // namespace

Specimen build_hand(Random& rng) {
  Specimen s;
  hand_skeleton(s.body, rng, rng.uniform(60, 140));
  s.focus = {rng.normal(0, 10), rng.uniform(-90, -40)};
  s.field_of_view_mm = rng.uniform(200, 300);
  s.exposure = ExposureClass::extremity;
  s.any_rotation = false;
  return s;
}

Specimen build_wrist(Random& rng) {
  Specimen s;
  const double forearm = rng.uniform(180, 260);
  hand_skeleton(s.body, rng, forearm);
  // Wrist views centre on the carpus; forearm views on the shafts.
  const bool forearm_view = rng.chance(0.4);
  s.focus = forearm_view ? cv::Point2d(0, forearm * 0.45) : cv::Point2d(0, rng.uniform(-25, 25));
  s.field_of_view_mm = forearm_view ? rng.uniform(250, 340) : rng.uniform(110, 190);
  s.exposure = ExposureClass::extremity;
  s.any_rotation = false;
  return s;
}

Specimen build_elbow(Random& rng) {
  Specimen s;
  Body& b = s.body;
  const double k = vary(rng, 0.12);
  const double flexion = rng.chance(0.5) ? rng.uniform(0, 15) : rng.uniform(20, 95);
  const double dir = 90 - flexion;  // forearm direction
  // Humerus from above, ending in the condyles (trochlea and capitulum) and epicondyles.
  b.parts.push_back(long_bone({0, -260 * k}, {0, -22 * k}, 12 * k, 24 * k, 0.65, 4.5, 1.0));
  b.parts.push_back(short_bone({0, -10 * k}, 30 * k, 12 * k, 18 * k, rng.normal(0, 4), 1.0));
  b.parts.push_back(short_bone({-31 * k, -20 * k}, 8 * k, 9 * k, 8 * k, 30, 0.8));
  b.parts.push_back(short_bone({30 * k, -18 * k}, 6 * k, 8 * k, 7 * k, -20, 0.8));
  // Ulna with the olecranon behind the trochlea; radius with its head on the capitulum.
  const cv::Point2d ulna0(-7 * k, 8 * k), radius0(15 * k, 10 * k);
  b.parts.push_back(short_bone(along(ulna0, dir + 180, 12 * k), 13 * k, 16 * k, 14 * k, dir, 1.0));
  b.parts.push_back(long_bone(ulna0, along(ulna0, dir, 240 * k), 13 * k, 7 * k, 0.6, 3.0, 0.9));
  b.parts.push_back(short_bone(radius0, 11 * k, 5 * k, 11 * k, dir - 90, 0.8));
  b.parts.push_back(long_bone(along(radius0, dir, 5 * k), along(radius0, dir, 230 * k), 8 * k,
                              13 * k, 0.6, 2.6, 0.8));
  const double fat = rng.uniform(0.8, 1.3);
  b.parts.push_back(flesh({0, -320 * k}, {0, 0}, 42 * k * fat, 40 * k * fat, 0.9));
  b.parts.push_back(flesh({0, 0}, along({0, 0}, dir, 280 * k), 40 * k * fat, 30 * k * fat, 0.8));
  b.parts.push_back(flesh_blob({0, 0}, 46 * k * fat, 42 * k * fat, 38 * k * fat));
  s.focus = {rng.normal(0, 8), rng.normal(0, 12)};
  s.field_of_view_mm = rng.uniform(170, 280);
  s.exposure = ExposureClass::limb;
  s.any_rotation = false;
  return s;
}

}  // namespace xnet::synth
