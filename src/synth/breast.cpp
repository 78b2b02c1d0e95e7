// Mammogram, CC or MLO. Body frame in mm: the chest wall on x = 0 (the detector's edge), the
// breast towards +x (or -x for the other side), cranial towards -y. No bone.
// Sizes (Bushberg et al., "The Essential Physics of Medical Imaging", ch. 8; ACR BI-RADS
// Atlas, 5th ed.): compressed thickness 3-7 cm (mean ~4.5-5 cm), nipple 8-15 cm from the chest
// wall, 14-22 cm high on the detector (MLO longer, with the axillary tail); skin 1.5-2 mm;
// fibroglandular share from almost all fat (BI-RADS a, < 25 %) to extremely dense (d);
// microcalcifications 0.1-1 mm in clusters of a few to a few tens within ~1 cm.
#include <cmath>

#include "synth/anatomy_parts.hpp"

namespace xnet::synth {

using namespace parts;

namespace {

// A point uniformly inside an ellipse.
cv::Point2d inside_ellipse(Random& rng, cv::Point2d c, double ax, double ay) {
  const double r = std::sqrt(rng.uniform()), a = rng.uniform(0, 2 * M_PI);
  return {c.x + ax * r * std::cos(a), c.y + ay * r * std::sin(a)};
}

// The breast's outline as pads of the compressed thickness; fat fills each but the skin.
void compressed(Body& b, cv::Point2d c, double ax, double ay, double angle, double thickness,
                double rim, double skin) {
  b.parts.push_back({Pad{c, ax, ay, angle, thickness, rim}, Tissue::envelope});
  b.parts.push_back({Pad{c, ax - skin, ay - skin, angle, thickness - 2 * skin, rim - skin}, Tissue::fat});
}

}  // namespace

Specimen build_breast(Random& rng) {
  Specimen s;
  Body& b = s.body;
  const int edge = rng.chance(0.5) ? -1 : 1;  // which image edge the chest wall lies on
  const double sx = -edge;                    // the breast points away from it
  const bool mlo = rng.chance(0.6);
  const double nipple = rng.uniform(80, 150);      // chest wall to nipple
  // Half the films are digitised at 1:2 (as DDSM's 480 x 960): resized from 18 x 24 cm film,
  // the breast is stretched 1.4-1.8 times from top to bottom; else a square 17-25 cm field.
  s.aspect = rng.chance(0.5) ? 2.0 : 1.0;
  const double stretch = s.aspect > 1 ? rng.uniform(1.4, 1.8) : 1.0;
  const double half_height = rng.uniform(65, 105) * stretch;
  const double thickness = rng.uniform(30, 70);
  const double rim = rng.uniform(15, 35);          // thickness falls off over the outer 1.5-3.5 cm
  const double skin = rng.uniform(1.5, 2.2);

  compressed(b, {0, 0}, nipple - rim, half_height - rim * 0.5, sx * rng.normal(0, 4), thickness, rim, skin);
  if (mlo) {
    // Axillary tail up to the top of the image, and the pectoral muscle as a wedge along
    // the chest wall, widest at the top.
    const double tail_angle = sx * rng.uniform(-15, -5), tail = (nipple - rim) * rng.uniform(0.6, 0.75);
    compressed(b, {0, -half_height * 0.8}, tail, half_height * 1.1, tail_angle, thickness, rim, skin);
    b.parts.push_back({Ellipsoid{{-sx * 25, -half_height * rng.uniform(1.2, 1.6)},
                                 rng.uniform(40, 70), half_height * rng.uniform(1.6, 2.0),
                                 thickness * 0.5, sx * rng.uniform(12, 30), 0},
                       Tissue::organ});
  }

  // Fibroglandular tissue (after the appearance in the BI-RADS Atlas and DDSM films): a
  // parenchymal cloud of broad, thin, overlapping sheets filling most of the breast behind
  // the nipple, densest towards the chest wall; over it a fine web of strands: Cooper's
  // ligaments curving round the fat lobules, and ducts converging on the nipple. The
  // BI-RADS density class sets how much of each.
  const double density_class[4][2] = {{0.03, 0.12}, {0.12, 0.3}, {0.3, 0.55}, {0.55, 0.85}};
  const double u = rng.uniform();
  const int birads = u < 0.1 ? 0 : u < 0.5 ? 1 : u < 0.9 ? 2 : 3;  // a-d, ~10/40/40/10 %
  const double glandular = rng.uniform(density_class[birads][0], density_class[birads][1]);
  const double centre_y = rng.normal(0, 8), centre_x = sx * nipple * rng.uniform(0.35, 0.5);  // random.hpp
  const cv::Point2d centre(centre_x, centre_y);
  const double gx = nipple * 0.5, gy = half_height * 0.8;
  const cv::Point2d tip(sx * (nipple - 5), 0);
  // A point of the glandular region, nearer the chest wall more often (denser there).
  auto gland_point = [&] {
    cv::Point2d p = inside_ellipse(rng, centre, gx, gy);
    p.x -= sx * std::abs(p.x - centre.x) * 0.3 * rng.uniform();
    return p;
  };
  for (int i = static_cast<int>(15 + glandular * 150); i > 0; --i) {
    const cv::Point2d c = gland_point();
    const cv::Point2d to_tip = tip - c;
    b.parts.push_back({Ellipsoid{c, rng.uniform(8, 25), rng.uniform(5, 15), thickness * rng.uniform(0.04, 0.16) * (0.5 + glandular),
                                 std::atan2(to_tip.y, to_tip.x) * 180 / M_PI + rng.normal(0, 25), 0},
                       Tissue::organ});
  }
  // A strand: a tube of a few points, wiggling along `dir` (deg) or bending by `bend` deg
  // per step (ligaments round a lobule); sheets seen edge on, so deeper than wide.
  auto strand = [&](cv::Point2d p, double dir, double step, int n, double bend, double r) {
    Tube t;
    for (int j = 0; j <= n; ++j) {
      t.points.push_back(p);
      t.radius.push_back(r * rng.uniform(0.7, 1.2));
      t.depth.push_back(rng.uniform(3, 8));
      dir += bend + rng.normal(0, 8);
      p = along(p, dir, step);
    }
    b.parts.push_back({t, Tissue::organ});
  };
  // Cooper's ligaments: long, gently curving strands bounding the fat lobules (5-20 mm
  // cells), mostly running towards the nipple: a lacy network.
  for (int i = static_cast<int>(120 + glandular * 500); i > 0; --i) {
    const cv::Point2d p = gland_point();
    const cv::Point2d to_tip = tip - p;
    const double r = rng.uniform(0.3, 0.9), bend = rng.uniform(-12, 12);  // random.hpp
    const int n = rng.integer(4, 9);
    const double step = rng.uniform(2, 3.5), dir = std::atan2(to_tip.y, to_tip.x) * 180 / M_PI + rng.normal(0, 50);
    strand(p, dir, step, n, bend, r);
  }
  // Ducts and the trabecular strands along them, from the glandular region to the nipple.
  for (int i = static_cast<int>(30 + glandular * 80); i > 0; --i) {
    const cv::Point2d start = gland_point();
    const cv::Point2d to_tip = tip - start;
    const double len = std::hypot(to_tip.x, to_tip.y);
    const double r = rng.uniform(0.25, 0.7), step = len / 6 * rng.uniform(0.6, 1.0);  // random.hpp
    strand(start, std::atan2(to_tip.y, to_tip.x) * 180 / M_PI, step, 6, 0, r);
  }
  // Sometimes a mass, sometimes clusters of microcalcifications.
  if (rng.chance(0.2)) {
    const double r = rng.uniform(4, 12);
    b.parts.push_back({Ellipsoid{inside_ellipse(rng, centre, gx, gy), r, r * rng.uniform(0.7, 1.0), r,
                                 rng.uniform(0, 180), 0},
                       Tissue::organ});
  }
  if (rng.chance(0.35))
    for (int cluster = rng.integer(1, 3); cluster > 0; --cluster) {
      const cv::Point2d c = inside_ellipse(rng, centre, gx, gy);
      const double spread = rng.uniform(2, 8);
      for (int i = rng.integer(3, 15); i > 0; --i) {
        const double r = rng.uniform(0.15, 0.45);
        b.parts.push_back({Ellipsoid{inside_ellipse(rng, c, spread, spread), r, r * rng.uniform(0.6, 1.0), r,
                                     rng.uniform(0, 180), 0},
                           Tissue::calcification});
      }
    }

  s.focus = {0, mlo ? -half_height * 0.2 : 0.0};
  s.field_of_view_mm = s.aspect > 1 ? rng.uniform(150, 220) : rng.uniform(170, 250);
  s.exposure = ExposureClass::mammography;
  s.any_rotation = false;
  s.chest_wall_edge = edge;
  s.collimator_chance = 0.15;  // the field is the detector, bar a blade now and then
  s.film_chance = 0.8;         // film mammograms (DDSM) as well as digital ones
  s.film_anchor = {0.2, 0.45};  // the phototimer behind the breast's thick part
  return s;
}

}  // namespace xnet::synth
