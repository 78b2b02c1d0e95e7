#include "synth/anatomy.hpp"

#include <cmath>
#include <type_traits>
#include <variant>

#include "core/error.hpp"
#include "synth/anatomy_parts.hpp"

namespace xnet::synth {

// Builders, one file per region (limbs_upper.cpp, limbs_lower.cpp, trunk.cpp, chest.cpp,
// breast.cpp, phantoms.cpp).
Specimen build_hand(Random& rng);
Specimen build_wrist(Random& rng);
Specimen build_elbow(Random& rng);
Specimen build_knee(Random& rng);
Specimen build_ankle(Random& rng);
Specimen build_foot(Random& rng);
Specimen build_lamb_leg(Random& rng);
Specimen build_long_leg(Random& rng);
Specimen build_lumbar_spine(Random& rng);
Specimen build_hip(Random& rng);
Specimen build_chest(Random& rng);
Specimen build_breast(Random& rng);
Specimen build_pmma_phantom(Random& rng);
Specimen build_foil_phantom(Random& rng);

namespace {
using Builder = Specimen (*)(Random&);
// The categories of the original data (reference.md: hand, ankle, knee, lumbar spine, neck of
// femur, lamb leg, PMMA with aluminium, foils, ...), and the chest and breast, which real
// data sets are full of.
const std::vector<std::pair<std::string, Builder>>& builders() {
  static const std::vector<std::pair<std::string, Builder>> table = {
      {"hand", build_hand},
      {"wrist", build_wrist},
      {"elbow", build_elbow},
      {"knee", build_knee},
      {"ankle", build_ankle},
      {"foot", build_foot},
      {"leg", build_long_leg},
      {"lumbar-spine", build_lumbar_spine},
      {"hip", build_hip},
      {"chest", build_chest},
      {"breast", build_breast},
      {"lamb-leg", build_lamb_leg},
      {"pmma-phantom", build_pmma_phantom},
      {"foil-phantom", build_foil_phantom},
  };
  return table;
}
}  // namespace

const std::vector<std::string>& category_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& [name, builder] : builders()) n.push_back(name);
    return n;
  }();
  return names;
}

cv::Size image_size(const Specimen& specimen, int size) {
  if (specimen.aspect <= 1.0) return {size, size};
  const int height = static_cast<int>(std::lround(size * std::sqrt(specimen.aspect / 2)));
  return {std::max(16, static_cast<int>(std::lround(height / specimen.aspect))), height};
}

Specimen build_specimen(const std::string& category, Random& rng) {
  for (const auto& [name, builder] : builders())
    if (name == category) return builder(rng);
  throw Error("unknown synthetic category '" + category + "'");
}

namespace parts {

cv::Point2d along(cv::Point2d p, double angle, double len) {
  const double a = angle * M_PI / 180.0;
  return {p.x + len * std::cos(a), p.y + len * std::sin(a)};
}

Part long_bone(cv::Point2d a, cv::Point2d b, double ra, double rb, double waist, double shell_mid,
               double shell_end, double depth) {
  return {Capsule{a, b, ra, rb, waist, depth}, Tissue::bone, shell_mid, shell_end};
}

Part short_bone(cv::Point2d c, double ax, double ay, double az, double angle, double shell,
                double tilt) {
  return {Ellipsoid{c, ax, ay, az, angle, tilt}, Tissue::bone, shell, shell};
}

Part flesh(cv::Point2d a, cv::Point2d b, double ra, double rb, double depth) {
  return {Capsule{a, b, ra, rb, 1.0, depth}, Tissue::envelope};
}

Part flesh_blob(cv::Point2d c, double ax, double ay, double az, double angle) {
  return {Ellipsoid{c, ax, ay, az, angle, 0.0}, Tissue::envelope};
}

cv::Point2d digit(Body& body, Random& rng, cv::Point2d start, double angle,
                  const std::vector<Phalanx>& bones, double gap, double max_flexion, double margin) {
  cv::Point2d p = start;
  for (const Phalanx& b : bones) {
    // Flexion bends the digit towards the detector too: its projection shortens (cos).
    const double flex = rng.uniform(0.0, max_flexion);
    const double len = b.length * std::cos(flex * M_PI / 180.0);
    const cv::Point2d q = along(p, angle, len);
    body.parts.push_back(long_bone(p, q, b.radius * 1.15, b.radius, 0.72, b.radius * 0.35,
                                   b.radius * 0.12));
    body.parts.push_back(flesh(p, q, b.radius + margin, b.radius * 0.8 + margin, 0.85));
    p = along(q, angle, gap);
    angle += rng.normal(0.0, max_flexion * 0.15);
  }
  return p;
}

cv::Point2d proximal_femur(Body& b, cv::Point2d head, double k, double neck_angle, double shaft_dir,
                           double shaft_length) {
  const cv::Point2d neck_base = along(head, shaft_dir - 180 + neck_angle, 45 * k);
  b.parts.push_back(short_bone(head, 23 * k, 23 * k, 23 * k, 0, 1.2));
  b.parts.push_back(long_bone(head, neck_base, 15 * k, 19 * k, 0.85, 2.5, 1.2));
  b.parts.push_back(short_bone(neck_base + cv::Point2d(14 * k, -8 * k), 17 * k, 26 * k, 22 * k, 10, 1.0));
  b.parts.push_back(short_bone(along(neck_base, shaft_dir, 45 * k) + cv::Point2d(-14 * k, 0), 8 * k,
                               10 * k, 9 * k, 30, 0.9));
  const cv::Point2d end = along(neck_base, shaft_dir, shaft_length);
  if (shaft_length > 10 * k)
    b.parts.push_back(long_bone(along(neck_base, shaft_dir, 10 * k), end, 24 * k, 17 * k, 0.75, 6.0, 1.5));
  return end;
}

void hemipelvis(Body& b, cv::Point2d head, double k) {
  const auto at = [&](double x, double y) { return head + cv::Point2d(x * k, y * k); };
  b.parts.push_back(short_bone(at(-8, -22), 36 * k, 16 * k, 32 * k, -15, 1.5));
  b.parts.push_back(short_bone(at(-35, -95), 65 * k, 75 * k, 10 * k, 25, 1.8));
  b.parts.push_back(long_bone(at(-20, 12), at(-115, 30), 12 * k, 9 * k, 0.8, 2.0, 1.0));
  b.parts.push_back(long_bone(at(-22, 28), at(-50, 85), 14 * k, 16 * k, 0.8, 2.0, 1.0));
  b.parts.push_back(long_bone(at(-50, 85), at(-110, 50), 9 * k, 9 * k, 0.9, 1.5, 1.0));
}

void mirror_x(Body& body) {
  const auto flip = [](cv::Point2d& p) { p.x = -p.x; };
  for (Part& part : body.parts)
    std::visit(
        [&](auto& shape) {
          using T = std::decay_t<decltype(shape)>;
          if constexpr (std::is_same_v<T, Capsule>) {
            flip(shape.a);
            flip(shape.b);
          } else if constexpr (std::is_same_v<T, Tube>) {
            for (cv::Point2d& p : shape.points) flip(p);
          } else {  // ellipsoid, slab, pad: a centre and an in-plane turn
            flip(shape.center);
            shape.angle = -shape.angle;
          }
        },
        part.shape);
}

double vary(Random& rng, double spread) { return 1.0 + rng.uniform(-spread, spread); }

}  // namespace parts
}  // namespace xnet::synth
