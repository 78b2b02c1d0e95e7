// Test objects: a PMMA block with an aluminium step wedge, and thin foils on a PMMA plate.
// Metal always lies on plastic, as on the bench, so "bone" (metal) pixels attenuate more
// than the "soft tissue" (plastic) around them.
#include <algorithm>
#include <cmath>

#include "synth/anatomy_parts.hpp"

namespace xnet::synth {

namespace {
Part plate(Tissue tissue, cv::Point2d c, double hw, double hh, double angle, double thickness) {
  return {Slab{c, hw, hh, angle, thickness}, tissue};
}

// A random point inside a block of half sizes (hw, hh), keeping `margin` from its edges.
cv::Point2d inside(Random& rng, double hw, double hh, double margin) {
  return {rng.uniform(-hw + margin, hw - margin), rng.uniform(-hh + margin, hh - margin)};
}
}  // namespace

Specimen build_pmma_phantom(Random& rng) {
  Specimen s;
  Body& b = s.body;
  const double hw = rng.uniform(50, 110), hh = rng.uniform(50, 110);
  b.parts.push_back(plate(Tissue::pmma, {0, 0}, hw, hh, 0, rng.uniform(10, 60)));
  if (rng.chance(0.4))  // a second, smaller plate: PMMA steps
    b.parts.push_back(plate(Tissue::pmma, {hw * 0.3, 0}, hw * 0.6, hh * 0.9, 0, rng.uniform(5, 30)));
  // Aluminium step wedge laid on the block: n steps, each dt thicker.
  const int steps = rng.integer(4, 10);
  const double step_w = std::min(rng.uniform(8, 20), 1.6 * hw / steps);
  const double step_h = rng.uniform(0.25, 0.6) * hh;
  const double t0 = rng.uniform(0.3, 2.0), dt = rng.uniform(0.3, 2.0);
  const double x0 = -steps * step_w / 2, y0 = rng.uniform(-hh + step_h, hh - step_h) * 0.8;
  for (int i = 0; i < steps; ++i)
    b.parts.push_back(plate(Tissue::aluminium, {x0 + (i + 0.5) * step_w, y0}, step_w / 2, step_h,
                            0, t0 + i * dt));
  // Sometimes aluminium discs or bars as well.
  for (int i = rng.integer(0, 3); i > 0; --i) {
    const double r = rng.uniform(5, 15);
    const cv::Point2d c = inside(rng, hw, hh, r + 2);
    if (rng.chance(0.5)) {
      b.parts.push_back(Part{Ellipsoid{c, r, r, rng.uniform(1, 4)}, Tissue::aluminium});
    } else {
      const double thickness = rng.uniform(1, 6), angle = rng.uniform(0, 180);  // random.hpp
      b.parts.push_back(plate(Tissue::aluminium, c, r, r * 0.3, angle, thickness));
    }
  }
  s.focus = {rng.normal(0, 20), rng.normal(0, 20)};
  s.field_of_view_mm = std::max(hw, hh) * rng.uniform(2.0, 3.2);
  s.exposure = ExposureClass::phantom;
  return s;
}

Specimen build_foil_phantom(Random& rng) {
  Specimen s;
  Body& b = s.body;
  const double hw = rng.uniform(50, 100), hh = rng.uniform(50, 100);
  const double thickness = rng.uniform(8, 20), angle = rng.normal(0, 3);  // random.hpp
  b.parts.push_back(plate(Tissue::pmma, {0, 0}, hw, hh, angle, thickness));
  // Plastic sheets, some hanging over the plate's edge.
  for (int i = rng.integer(1, 5); i > 0; --i) {
    const double thickness = rng.uniform(0.5, 2.0), angle = rng.uniform(0, 180);  // random.hpp
    const double sheet_hh = rng.uniform(15, 50), sheet_hw = rng.uniform(15, 50);
    b.parts.push_back(plate(Tissue::pmma, inside(rng, hw, hh, 10), sheet_hw, sheet_hh, angle, thickness));
  }
  // Metal foils on the plate: aluminium 1.5-5 mm or copper 0.1-0.6 mm.
  for (int i = rng.integer(2, 6); i > 0; --i) {
    const double fw = rng.uniform(5, 25), fh = rng.uniform(5, 25);
    const double margin = std::hypot(fw, fh);
    const cv::Point2d c = inside(rng, hw, hh, margin);
    const bool copper = rng.chance(0.5);
    const double thickness = copper ? rng.uniform(0.1, 0.6) : rng.uniform(1.5, 5);  // random.hpp
    const double angle = rng.uniform(0, 180);
    b.parts.push_back(plate(copper ? Tissue::copper : Tissue::aluminium, c, fw, fh, angle, thickness));
  }
  s.focus = {rng.normal(0, 15), rng.normal(0, 15)};
  s.field_of_view_mm = std::max(hw, hh) * rng.uniform(2.0, 3.0);
  s.exposure = ExposureClass::phantom;
  return s;
}

}  // namespace xnet::synth
