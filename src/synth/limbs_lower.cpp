// Knee, ankle, foot and a butcher's lamb leg. Body frame in mm, proximal towards -y.
// Adult dimensions after standard anatomy tables (femoral condyles ~80 mm wide, tibial
// plateau ~75 mm, metatarsals 60-75 mm), varied per specimen.
#include <array>

#include "synth/anatomy_parts.hpp"

namespace xnet::synth {

using namespace parts;

namespace {

// Knee: the femoral shaft from `femur_top` (radius `femur_radius`, waist as long_bone's) flaring into two condyles (their joint surface
// near y = 0), the patella over them, the tibial plateau `gap` mm below along `dir` (deg,
// distal; 90 - flexion) and the tibia and fibula `tibia_length` mm long, the fibula lateral
// (+x), overlapping the tibia's edge. Returns the tibia's distal end.
cv::Point2d knee_bones(Body& b, Random& rng, double k, cv::Point2d femur_top, double femur_radius,
                       double femur_waist, double dir, double gap, double tibia_length) {
  b.parts.push_back(long_bone(femur_top, {0, -40 * k}, femur_radius, 30 * k, femur_waist, 5.0, 1.2));
  for (int side : {-1, 1})
    b.parts.push_back(short_bone({side * 20 * k, -24 * k}, 19 * k, 22 * k, 30 * k, side * 8, 1.2));
  // Patella over the femur (AP) or in front of it.
  const double patella_angle = rng.normal(0, 10);  // draws named, in a fixed order (random.hpp)
  const double patella_x = rng.normal(0, 5), patella_y = -40 * k + rng.normal(0, 8);
  b.parts.push_back(short_bone({patella_x, patella_y}, 21 * k, 24 * k, 11 * k, patella_angle, 1.0));
  // Tibia with its plateau; fibula lateral, overlapping the tibia's edge.
  const cv::Point2d plateau = along({0, -2 * k}, dir, gap);
  b.parts.push_back(short_bone(along(plateau, dir, 10 * k), 38 * k, 12 * k, 26 * k, dir - 90, 1.0));
  b.parts.push_back(long_bone(along(plateau, dir, 15 * k), along(plateau, dir, tibia_length), 33 * k,
                              13 * k, 0.45, 5.0, 1.0));
  const cv::Point2d fib = plateau + cv::Point2d(31 * k, 0);
  const cv::Point2d fib_head = along(fib, dir, 28 * k);
  b.parts.push_back(short_bone(fib_head, 10 * k, 11 * k, 10 * k, 0, 0.8));
  b.parts.push_back(long_bone(along(fib_head, dir, 8 * k), along(fib_head, dir, tibia_length * 0.91), 7 * k,
                              8 * k, 0.7, 2.0, 0.8));
  return along(plateau, dir, tibia_length);
}

}  // namespace

Specimen build_knee(Random& rng) {
  Specimen s;
  Body& b = s.body;
  const double k = vary(rng, 0.12);
  const double flexion = rng.chance(0.6) ? rng.uniform(-3, 8) : rng.uniform(10, 45);
  const double dir = 90 - flexion;
  const double gap = rng.uniform(3, 8) * k;  // joint space (narrow in osteoarthritis)
  knee_bones(b, rng, k, {0, -330 * k}, 14 * k, 0.55, dir, gap, 330 * k);
  const double fat = rng.uniform(0.8, 1.35);
  b.parts.push_back(flesh({0, -380 * k}, {0, -20 * k}, 70 * k * fat, 55 * k * fat, 0.9));
  b.parts.push_back(flesh({0, 0}, along({0, 0}, dir, 380 * k), 55 * k * fat, 38 * k * fat, 0.9));
  b.parts.push_back(flesh_blob({0, -10 * k}, 58 * k * fat, 60 * k * fat, 55 * k * fat));
  s.focus = {rng.normal(0, 10), rng.normal(0, 15)};
  s.field_of_view_mm = rng.uniform(200, 330);
  s.exposure = ExposureClass::limb;
  s.any_rotation = false;
  return s;
}

Specimen build_ankle(Random& rng) {
  Specimen s;
  Body& b = s.body;
  const double k = vary(rng, 0.12);
  // Distal tibia and fibula ending in the malleoli around the talus.
  b.parts.push_back(long_bone({0, -280 * k}, {0, -14 * k}, 13 * k, 24 * k, 0.55, 4.0, 1.0));
  b.parts.push_back(short_bone({-21 * k, 0}, 8 * k, 14 * k, 10 * k, 10, 0.9));
  b.parts.push_back(long_bone({29 * k, -280 * k}, {27 * k, -10 * k}, 6 * k, 10 * k, 0.7, 2.0, 0.8));
  b.parts.push_back(short_bone({28 * k, 6 * k}, 9 * k, 15 * k, 9 * k, -8, 0.8));
  const double talus_angle = rng.normal(0, 6), talus_y = rng.uniform(14, 22) * k;  // random.hpp
  b.parts.push_back(short_bone({0, talus_y}, 25 * k, 15 * k, 26 * k, talus_angle, 0.8));
  // Calcaneus and navicular overlap the talus below it.
  const double calcaneus_angle = rng.normal(0, 10), calcaneus_x = rng.normal(4, 4);
  b.parts.push_back(short_bone({calcaneus_x, 48 * k}, 22 * k, 28 * k, 24 * k, calcaneus_angle, 0.8));
  b.parts.push_back(short_bone({-18 * k, 38 * k}, 15 * k, 9 * k, 14 * k, -20, 0.7));
  const double fat = rng.uniform(0.8, 1.3);
  b.parts.push_back(flesh({0, -320 * k}, {0, 10 * k}, 45 * k * fat, 36 * k * fat, 0.85));
  b.parts.push_back(flesh_blob({0, 38 * k}, 46 * k * fat, 50 * k * fat, 42 * k * fat));
  s.focus = {rng.normal(0, 8), rng.normal(5, 12)};
  s.field_of_view_mm = rng.uniform(150, 260);
  s.exposure = ExposureClass::extremity;
  s.any_rotation = false;
  return s;
}

Specimen build_foot(Random& rng) {
  Specimen s;
  Body& b = s.body;
  const double k = vary(rng, 0.1);
  // Hindfoot and midfoot (dorsoplantar view), toes towards -y.
  b.parts.push_back(short_bone({2 * k, 75 * k}, 23 * k, 34 * k, 25 * k, rng.normal(0, 5), 0.8));
  b.parts.push_back(short_bone({-4 * k, 38 * k}, 21 * k, 22 * k, 22 * k, rng.normal(0, 8), 0.8));
  b.parts.push_back(short_bone({-10 * k, 10 * k}, 19 * k, 9 * k, 14 * k, -10, 0.7));
  b.parts.push_back(short_bone({17 * k, 14 * k}, 12 * k, 15 * k, 14 * k, 10, 0.7));
  for (int i = 0; i < 3; ++i)
    b.parts.push_back(short_bone({(-19 + 11 * i) * k, -12 * k}, 6 * k, 11 * k, 12 * k,
                                 rng.normal(0, 6), 0.6));
  struct Ray { double x, angle, meta, r; std::array<double, 3> phal; };
  const std::array<Ray, 5> rays = {{{-20, -96, 62, 7.5, {29, 0, 23}},
                                    {-8, -92, 72, 4.8, {26, 12, 10}},
                                    {2, -88, 68, 4.6, {23, 11, 10}},
                                    {12, -84, 64, 4.4, {21, 10, 9}},
                                    {22, -78, 58, 4.8, {18, 9, 8}}}};
  for (const Ray& r : rays) {
    const double p = vary(rng, 0.07) * k;
    std::vector<Phalanx> bones = {{r.meta * p, r.r * k}};
    for (double len : r.phal)
      if (len > 0) bones.push_back({len * p, bones.back().radius * 0.8});
    const double margin = rng.uniform(4, 7) * k, gap = rng.uniform(1.5, 3) * k;  // random.hpp
    const double angle = r.angle + rng.normal(0, 2);
    digit(b, rng, {r.x * k, -26 * k}, angle, bones, gap, 20.0, margin);
  }
  const double fat = rng.uniform(0.85, 1.25);
  b.parts.push_back(flesh({0, 95 * k}, {0, -40 * k}, 36 * k * fat, 46 * k * fat, 0.7));
  b.parts.push_back(flesh_blob({2 * k, -75 * k}, 50 * k * fat, 42 * k, 18 * k * fat));
  s.focus = {rng.normal(0, 10), rng.uniform(-60, 30)};
  s.field_of_view_mm = rng.uniform(220, 320);
  s.exposure = ExposureClass::extremity;
  s.any_rotation = false;
  return s;
}

Specimen build_lamb_leg(Random& rng) {
  Specimen s;
  Body& b = s.body;
  const double k = vary(rng, 0.15);
  // Femur and tibia of a lamb (~150 mm each, thick cortex), sometimes cut by the butcher.
  const double bend = rng.uniform(-40, 0);
  b.parts.push_back(long_bone({0, -170 * k}, {0, -12 * k}, 16 * k, 18 * k, 0.6, 4.0, 1.2));
  b.parts.push_back(short_bone({0, -4 * k}, 18 * k, 11 * k, 18 * k, 0, 1.0));
  const cv::Point2d knee(0, 8 * k);
  b.parts.push_back(long_bone(knee, along(knee, 90 + bend, 160 * k), 16 * k, 10 * k, 0.55, 3.5, 1.0));
  // Muscle mass: a pear of overlapping lobes around the femur, thin over the shank.
  const int lobes = rng.integer(2, 4);
  for (int i = 0; i < lobes; ++i) {
    const double angle = rng.normal(0, 15), az = rng.uniform(40, 60) * k;  // random.hpp
    const double ay = rng.uniform(70, 110) * k, ax = rng.uniform(45, 70) * k;
    const double x = rng.normal(0, 15), y = -90 * k + rng.normal(0, 25);
    b.parts.push_back(flesh_blob({x, y}, ax, ay, az, angle));
  }
  b.parts.push_back(flesh(knee, along(knee, 90 + bend, 170 * k), 45 * k, 22 * k, 0.8));
  s.focus = {rng.normal(0, 15), rng.uniform(-80, 40)};
  s.field_of_view_mm = rng.uniform(280, 420);
  s.exposure = ExposureClass::limb;
  s.any_rotation = true;
  return s;
}


// Standing long-leg film (hip to ankle, AP; e.g. for the mechanical axis in knee
// osteoarthritis, as the OAI's): hemipelvis, femur 400-480 mm with its anatomical axis
// 5-9 deg off the vertical (head medial), knee, tibia and fibula 330-400 mm, ankle with talus
// and calcaneus; thigh, calf and foot. Drawn at 5-6.2:1 (the OAI's 128 x 1024 images show a
// ~25 x 140 cm field: knees ~45 px wide, hip to ankle ~650 px high) and stored 8:1, squeezed
// across as theirs are; stitched from cassettes with a ruler beside the leg (artefacts.cpp).
Specimen build_long_leg(Random& rng) {
  Specimen s;
  Body& b = s.body;
  const double k = vary(rng, 0.1);
  const double femur = rng.uniform(400, 480) * k, tibia = rng.uniform(330, 400) * k;
  const double valgus = rng.uniform(5, 9);  // femoral shaft, lateral towards the knee
  const double shaft_dir = 90 - valgus;
  const double gap = rng.uniform(3, 7) * k;
  // One shaft from below the trochanters to the condyles (pieces end to end would add up
  // where their caps overlap): the neck's base `femur` mm above the knee, the head beyond.
  const cv::Point2d femur_top = along({0, -40 * k}, shaft_dir + 180, femur - 50 * k);
  const double neck_angle = rng.uniform(120, 140);
  const cv::Point2d neck_base = along(femur_top, shaft_dir + 180, 10 * k);
  const cv::Point2d head = along(neck_base, shaft_dir + neck_angle, 45 * k);
  proximal_femur(b, head, k, neck_angle, shaft_dir, 0);
  hemipelvis(b, head, k);
  const cv::Point2d ankle = knee_bones(b, rng, k, femur_top, 24 * k, 0.45, 90 + rng.normal(0, 2), gap, tibia);
  // Malleoli round the talus, the calcaneus behind and below it.
  b.parts.push_back(short_bone(ankle + cv::Point2d(-20 * k, 4 * k), 8 * k, 14 * k, 10 * k, 10, 0.9));
  b.parts.push_back(short_bone(ankle + cv::Point2d(29 * k, 8 * k), 9 * k, 15 * k, 9 * k, -8, 0.8));
  b.parts.push_back(short_bone(ankle + cv::Point2d(0, 20 * k), 25 * k, 15 * k, 26 * k, rng.normal(0, 6), 0.8));
  const double calcaneus_angle = rng.normal(0, 10), calcaneus_x = rng.normal(4, 4);  // random.hpp
  b.parts.push_back(short_bone(ankle + cv::Point2d(calcaneus_x, 50 * k), 22 * k, 26 * k, 24 * k, calcaneus_angle, 0.8));
  const double fat = rng.uniform(0.8, 1.35);
  b.parts.push_back(flesh(head + cv::Point2d(30 * k, -60 * k), {0, -20 * k}, 95 * k * fat, 58 * k * fat, 0.9));
  b.parts.push_back(flesh_blob(head + cv::Point2d(-20 * k, -40 * k), 110 * k * fat, 100 * k, 75 * k * fat));
  b.parts.push_back(flesh({0, 0}, ankle, 55 * k * fat, 30 * k * fat, 0.9));
  b.parts.push_back(flesh_blob({0, -10 * k}, 58 * k * fat, 60 * k * fat, 55 * k * fat));
  b.parts.push_back(flesh_blob(ankle + cv::Point2d(0, 45 * k), 42 * k * fat, 50 * k * fat, 45 * k));
  if (rng.chance(0.5)) mirror_x(b);  // the left or the right leg
  s.focus = {rng.normal(0, 8), (head.y + ankle.y) / 2 + rng.normal(0, 20)};
  s.aspect = 8;
  s.squash = 8 / rng.uniform(5.0, 6.2);
  s.field_of_view_mm = rng.uniform(230, 270);  // the drawn width; the height 1.2-1.6 m
  s.exposure = ExposureClass::limb;
  s.any_rotation = false;
  s.upright_chance = 1.0;
  s.collimator_chance = 0.3;
  s.stitched = true;
  return s;
}

}  // namespace xnet::synth
