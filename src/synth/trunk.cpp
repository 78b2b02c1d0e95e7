// Lumbar spine (AP) and hip / neck of femur (AP). Body frame in mm, cranial towards -y.
// Vertebral bodies ~45 mm wide, ~27 mm high with 8-12 mm discs; femoral head ~46 mm,
// neck-shaft angle 120-140 deg; abdomen 18-30 cm deep (standard anatomy tables).
#include <cmath>

#include "synth/anatomy_parts.hpp"

namespace xnet::synth {

using namespace parts;

Specimen build_lumbar_spine(Random& rng) {
  Specimen s;
  Body& b = s.body;
  const double k = vary(rng, 0.1);
  const double height = rng.uniform(24, 30) * k, disc = rng.uniform(7, 12) * k;
  const double scoliosis = rng.normal(0, 3);  // deg of lateral tilt per level
  double x = 0, tilt = 0;
  for (int level = 0; level < 5; ++level) {
    const double y = level * (height + disc);
    const double w = (40 + 2.5 * level) * k * vary(rng, 0.05);
    const double r = height / 2;
    const cv::Point2d c(x, y);
    // Vertebral body: concave sides, thin cortex around cancellous bone.
    b.parts.push_back(long_bone(along(c, 180 + tilt, w / 2 - r * 0.6), along(c, tilt, w / 2 - r * 0.6),
                                r, r, 0.92, 0.8, 0.8, 16.0 * k / r));
    // Pedicles (rings in AP), spinous and transverse processes, laminae.
    for (int side : {-1, 1}) {
      b.parts.push_back(short_bone(c + cv::Point2d(side * w * 0.3, -height * 0.15), 5 * k, 7.5 * k,
                                   14 * k, 0, 1.6));
      const cv::Point2d root = c + cv::Point2d(side * w * 0.42, -height * 0.05);
      b.parts.push_back(long_bone(root, root + cv::Point2d(side * (22 + 3 * (level == 2)) * k, -3 * k),
                                  6 * k, 4 * k, 0.8, 1.2, 0.8));
      b.parts.push_back(long_bone(c + cv::Point2d(side * w * 0.3, height * 0.25), c + cv::Point2d(0, height * 0.45),
                                  4.5 * k, 4.5 * k, 1.0, 1.2, 1.0));
    }
    b.parts.push_back(short_bone(c + cv::Point2d(0, height * 0.4), 5 * k, 11 * k, 18 * k, 0, 1.2));
    x += std::sin((tilt += scoliosis) * M_PI / 180) * (height + disc);
  }
  // Iliac wings and sacrum below, twelfth ribs above (often in the field), all inside the
  // abdomen, whose elliptical cross-section runs along the whole field.
  const double half_width = rng.uniform(140, 190), depth = rng.uniform(90, 150);
  const double pelvis_y = 5 * (height + disc) + 15 * k;
  for (int side : {-1, 1}) {
    b.parts.push_back(short_bone({side * 0.55 * half_width, pelvis_y + 30 * k}, 0.3 * half_width,
                                 55 * k, 9 * k, side * -25, 1.5));
    b.parts.push_back(long_bone({side * 28 * k, -28 * k}, {side * 0.7 * half_width, -5 * k}, 5 * k,
                                4 * k, 0.9, 1.5, 1.0));
  }
  b.parts.push_back(short_bone({x, pelvis_y + 25 * k}, 45 * k, 40 * k, 20 * k, 0, 1.2));
  b.parts.push_back(flesh({0, -500}, {0, 600}, half_width, half_width, depth / half_width));
  s.focus = {rng.normal(0, 10), 2 * (height + disc) + rng.normal(0, 20)};
  s.field_of_view_mm = rng.uniform(220, 380);
  s.exposure = ExposureClass::trunk;
  s.any_rotation = false;
  return s;
}

Specimen build_hip(Random& rng) {
  Specimen s;
  Body& b = s.body;
  const double k = vary(rng, 0.1);
  const double neck_angle = rng.uniform(120, 140);  // neck-shaft angle
  const double shaft_dir = 90 + rng.normal(-6, 3);
  proximal_femur(b, {0, 0}, k, neck_angle, shaft_dir, 420 * k);
  hemipelvis(b, {0, 0}, k);
  const double fat = rng.uniform(0.8, 1.3);
  b.parts.push_back(flesh({-60 * k, -400}, {-60 * k, 150 * k}, 200 * k * fat, 200 * k * fat, 0.55));
  b.parts.push_back(flesh({40 * k, 50 * k}, {50 * k, 600 * k}, 100 * k * fat, 80 * k * fat, 0.9));
  s.focus = {rng.normal(10, 15), rng.normal(20, 20)};
  s.field_of_view_mm = rng.uniform(200, 340);
  s.exposure = ExposureClass::trunk;
  s.any_rotation = false;
  return s;
}

}  // namespace xnet::synth
