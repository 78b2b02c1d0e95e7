// Chest PA. Body frame in mm: x to the patient's left (the image's right in PA, where the
// heart lies), cranial towards -y, y = 0 near the sternal notch.
// Sizes, adult (Gray's Anatomy, 41st ed., thorax chapters; Bontrager's "Textbook of
// Radiographic Positioning", chest): thorax 26-34 cm wide and 18-24 cm deep at the lung
// bases, thoracic vertebral bodies 25 mm (T1) to 40 mm (T12) wide and 17-25 mm high with
// 4-6 mm discs, ribs 10-15 mm high and 5-7 mm thick posteriorly, thinner and broader in front
// (costal cartilage, invisible, joins them to the sternum), clavicle ~15 cm long and ~12 mm
// thick with an expanded sternal end, lung apices 2-3 cm above the clavicles, right
// hemidiaphragm at the 10th posterior rib with the left 1.5-2.5 cm lower, heart less than
// half the thoracic width (cardiothoracic ratio < 0.5), trachea 15-20 mm wide dividing at
// T4-T5, inflated lung ~0.26 g/cm^3 (ICRU-44 lung tissue 1.05 g/cm^3 at 25 % volume).
#include <cmath>

#include "synth/anatomy_parts.hpp"

namespace xnet::synth {

using namespace parts;

namespace {

constexpr double deg = M_PI / 180.0;

Part tube(Tissue tissue, const Tube& t, double shell = 0.0) {
  return {t, tissue, shell, shell};
}

// A straight tube of constant radius and depth ratio.
Tube straight(cv::Point2d a, cv::Point2d b, double ra, double rb, double depth = 1.0) {
  return {{a, b}, {ra, rb}, {depth, depth}};
}

// One rib from its costovertebral joint round the chest wall to its costal cartilage. The
// rib follows an ellipse (half width w, half depth d) in the axial plane, angle phi from the
// back (0) over the side (90) to the front (phi_end); it drops by `drop` mm on the way.
// Seen along the beam a flat rib crosses its thickness where it faces the beam and runs
// along it (bright) at the side: the path is thickness / cos(slope), capped by the chord of
// a band of that thickness bent with the wall's curvature.
Tube rib(double side, cv::Point2d joint, double w, double d, double drop, double phi_end,
         double height, double thickness) {
  Tube t;
  const int n = 18;
  const double curvature = d * d / w;  // radius of curvature of the ellipse at the side
  const double cap = 0.4 * std::sqrt(8.0 * curvature * thickness);
  for (int i = 0; i <= n; ++i) {
    const double phi = phi_end * i / n, f = phi / 180.0;
    const double x = joint.x + side * (w - std::abs(joint.x)) * std::sin(phi * deg);
    const double y = joint.y + drop * std::pow(f, 1.6) - 6.0 * std::sin(std::min(phi, 90.0) * 2 * deg);
    const double tx = w * std::cos(phi * deg), tz = d * std::sin(phi * deg);
    const double cos_slope = std::abs(tx) / std::hypot(tx, tz);
    // Anterior ribs are broader and thinner (fainter), the end tapers into cartilage.
    const double front = std::clamp((phi - 90.0) / 60.0, 0.0, 1.0);
    const double r = height / 2 * (1.0 + 0.25 * front) * (i == n ? 0.7 : 1.0);
    const double path = std::min(thickness * (1.0 - 0.45 * front) / std::max(cos_slope, 1e-3), cap);
    t.points.push_back({x, y});
    t.radius.push_back(r);
    t.depth.push_back(path / (2 * r));
  }
  return t;
}

// An S-shaped clavicle from its sternal end outwards and upwards to the acromion.
Tube clavicle(double side, cv::Point2d sternal, double length, double rise, double bend, double k) {
  Tube t;
  const int n = 12;
  for (int i = 0; i <= n; ++i) {
    const double u = double(i) / n;
    t.points.push_back({sternal.x + side * length * u,
                        sternal.y - rise * u + bend * std::sin(2 * M_PI * u)});
    // Sternal end expanded, shaft ~12 mm, acromial end flat and broad.
    t.radius.push_back(k * (u < 0.15 ? 10 - 20 * u : u > 0.8 ? 7 + 10 * (u - 0.8) : 6.5));
    t.depth.push_back(u > 0.8 ? 0.55 : 0.9);
  }
  return t;
}

// Pulmonary vessels: a branching tree from the hilum, each branch narrower and shorter.
void vessels(Body& b, Random& rng, cv::Point2d from, double angle, double length, double radius, int levels) {
  const cv::Point2d to = along(from, angle + rng.normal(0, 8), length);
  b.parts.push_back(tube(Tissue::organ, straight(from, to, radius, radius * 0.8)));
  if (levels <= 1) return;
  for (int side : {-1, 1}) {
    const double shorter = rng.uniform(0.65, 0.85), turn = rng.uniform(15, 35);  // random.hpp
    vessels(b, rng, to, angle + side * turn, length * shorter, radius * 0.7, levels - 1);
  }
}

}  // namespace

Specimen build_chest(Random& rng) {
  Specimen s;
  Body& b = s.body;
  const double k = vary(rng, 0.1);
  const double half_width = rng.uniform(130, 170) * k;   // thorax at the lung bases
  const double depth = rng.uniform(0.6, 0.75);           // AP / transverse diameter
  const double level = rng.uniform(21, 25) * k;          // vertebra + disc
  auto vertebra_y = [&](int i) { return -40 * k + (i - 1) * level; };  // T1 = 1

  // Soft tissue: thorax and abdomen, neck, shoulders, upper arms.
  const double fat = rng.uniform(0.9, 1.15);
  b.parts.push_back(flesh({0, -40 * k}, {0, 450 * k}, half_width * fat * 1.02, half_width * fat, depth));
  b.parts.push_back(flesh({0, -300 * k}, {0, -60 * k}, 55 * k * fat, 60 * k * fat, 1.0));
  const bool arms = rng.chance(0.5);
  for (int side : {-1, 1}) {
    b.parts.push_back(flesh({side * 40 * k, -90 * k}, {side * (half_width + 20 * k), -60 * k}, 50 * k * fat,
                            55 * k * fat, 1.1));
    if (arms)
      b.parts.push_back(flesh({side * (half_width + 35 * k), -55 * k},
                              {side * (half_width + 60 * k), 260 * k}, 48 * k * fat, 40 * k * fat, 1.0));
  }

  // Thoracic spine (and C6-C7 above it): bodies, pedicles, spinous processes.
  for (int i = -1; i <= 12; ++i) {
    const double w = (22 + 1.5 * i) * k, h = (15 + 0.6 * i) * k;
    const cv::Point2d c(rng.normal(0, 1), vertebra_y(i));
    b.parts.push_back(long_bone(c - cv::Point2d(w / 2 - h / 2, 0), c + cv::Point2d(w / 2 - h / 2, 0), h / 2,
                                h / 2, 0.92, 0.8, 0.8, 11.0 * k / (h / 2)));
    for (int side : {-1, 1})
      b.parts.push_back(short_bone(c + cv::Point2d(side * w * 0.33, -h * 0.1), 4 * k, 6 * k, 8 * k, 0, 1.2));
    b.parts.push_back(short_bone(c + cv::Point2d(0, h * 0.6), 4 * k, 9 * k, 10 * k, 0, 1.0));
  }

  // Lungs: air with parenchyma, apex narrow, base broad, inside the thorax's depth; the
  // heart, the aortic knob, the diaphragm domes and the vessels displace them.
  const double apex = vertebra_y(1) - 8 * k + rng.normal(0, 6);
  const double right_dome = vertebra_y(10) + rng.normal(0, 12);
  const double left_dome = right_dome + rng.uniform(10, 25) * k;
  const double parenchyma = rng.uniform(0.2, 0.3);
  for (int side : {-1, 1}) {
    const double base_r = half_width * rng.uniform(0.36, 0.42), top_r = base_r * rng.uniform(0.45, 0.6);
    const double cx = side * (half_width * 0.52);
    const double lung_depth = 0.8 * depth * half_width / base_r * std::sqrt(1 - 0.27);
    b.parts.push_back({Capsule{{cx - side * 0.15 * base_r, apex + top_r}, {cx, right_dome + 40 * k - base_r},
                               top_r, base_r, 1.0, std::min(lung_depth, 1.3)},
                       Tissue::air, 0, 0, parenchyma});
    const cv::Point2d dome(side * half_width * 0.45, side < 0 ? right_dome : left_dome);
    const double dome_r = half_width * rng.uniform(0.55, 0.7);
    b.parts.push_back({Ellipsoid{dome + cv::Point2d(0, dome_r * 0.9), dome_r, dome_r * 0.9,
                                 half_width * depth * 0.85, 0, 0},
                       Tissue::organ});
    const double hilum_dy = rng.normal(0, 8), hilum_x = side * rng.uniform(30, 45) * k;  // random.hpp
    const cv::Point2d hilum(hilum_x, vertebra_y(6) + hilum_dy);
    for (int branch = 0; branch < 5; ++branch) {
      const double radius = rng.uniform(2.5, 3.5) * k, length = rng.uniform(30, 45) * k;
      const double angle = (side < 0 ? 180 : 0) + side * (-70 + 35 * branch + rng.normal(0, 8));
      vessels(b, rng, hilum, angle, length, radius, 4);
    }
  }
  const double heart_w = half_width * rng.uniform(0.42, 0.52);
  b.parts.push_back({Ellipsoid{{heart_w * rng.uniform(0.25, 0.4), right_dome - heart_w * 0.3},
                               heart_w, heart_w * rng.uniform(0.7, 0.85), 55 * k, rng.uniform(15, 35), 0},
                     Tissue::organ});
  b.parts.push_back({Ellipsoid{{rng.uniform(20, 32) * k, vertebra_y(4)}, 17 * k, 17 * k, 20 * k},
                     Tissue::organ});
  // Trachea down the midline to the carina, main bronchi to the hila.
  const cv::Point2d carina(rng.normal(0, 2), vertebra_y(5));
  b.parts.push_back({straight({carina.x, -260 * k}, carina, 8.5 * k, 8 * k), Tissue::air});
  for (int side : {-1, 1})
    b.parts.push_back({straight(carina, carina + cv::Point2d(side * 35 * k, (side < 0 ? 18 : 28) * k),
                                6.5 * k, 5 * k),
                       Tissue::air});

  // Ribs 1-12: the cage widens to the 7th-8th rib, the lowest two float (short, no front).
  for (int side : {-1, 1})
    for (int i = 1; i <= 12; ++i) {
      const double widen = std::sin(std::min(1.0, (i - 0.3) / 7.5) * M_PI / 2);
      const double w = half_width * 0.93 * (0.45 + 0.55 * widen) * (i > 8 ? 1 - 0.03 * (i - 8) : 1.0);
      const double phi_end = i <= 10 ? rng.uniform(140, 155) : rng.uniform(95, 115);
      const double drop = (i == 1 ? 25 : 65 + 3 * i) * k * vary(rng, 0.1);
      const double height = (i == 1 ? 9 : 11) * k * vary(rng, 0.1);
      const cv::Point2d joint(side * (12 + 0.8 * i) * k, vertebra_y(i) - 2 * k);
      const double shell = rng.uniform(0.8, 1.4), thickness = rng.uniform(5, 7) * k;  // random.hpp
      b.parts.push_back(tube(Tissue::bone, rib(side, joint, w, w * depth, drop, phi_end, height, thickness), shell));
    }

  // Clavicles across the apices, scapulae at the sides (rotated forward off the lungs in a
  // PA view), humeral heads in the upper corners.
  for (int side : {-1, 1}) {
    const double sternal_dy = rng.normal(0, 6), sternal_x = side * rng.uniform(15, 25) * k;  // random.hpp
    const cv::Point2d sternal(sternal_x, vertebra_y(3) + sternal_dy);
    const double bend = rng.uniform(4, 10) * k * side, rise = rng.uniform(10, 45) * k;
    const double length = rng.uniform(135, 160) * k;
    b.parts.push_back(tube(Tissue::bone, clavicle(side, sternal, length, rise, bend, k), 2.0));
    const cv::Point2d glenoid(side * (half_width + rng.uniform(0, 20) * k), vertebra_y(2));
    b.parts.push_back(short_bone(glenoid + cv::Point2d(-side * 40 * k, 70 * k), 40 * k, 75 * k, 5 * k,
                                 side * rng.uniform(5, 20), 1.0));
    b.parts.push_back(tube(Tissue::bone, straight(glenoid, glenoid + cv::Point2d(-side * 35 * k, 140 * k),
                                                  5 * k, 4 * k, 1.6),
                           1.2));
    if (arms) {
      const cv::Point2d head = glenoid + cv::Point2d(side * 22 * k, 8 * k);
      b.parts.push_back(short_bone(head, 23 * k, 25 * k, 23 * k, 0, 1.2));
      b.parts.push_back(long_bone(head + cv::Point2d(side * 5 * k, 20 * k), head + cv::Point2d(side * 25 * k, 300 * k),
                                  16 * k, 12 * k, 0.8, 4.0, 1.2));
    }
  }

  s.focus = {rng.normal(0, 10), vertebra_y(6) + rng.normal(0, 15)};
  s.field_of_view_mm = rng.uniform(350, 430);
  s.exposure = ExposureClass::chest;
  s.any_rotation = false;
  s.collimator_chance = 0.6;  // often the whole detector: a chest fills it
  s.film_chance = 0.5;        // many chest data sets are digitised films (JSRT)
  s.upright_chance = 0.85;    // chest films are hung upright
  s.window_margin = 0.4;
  return s;
}

}  // namespace xnet::synth
