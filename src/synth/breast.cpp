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
  const double half_height = rng.uniform(65, 105);
  const double thickness = rng.uniform(30, 70);
  const double rim = rng.uniform(8, 16);           // thickness falls off in the last cm
  const double skin = rng.uniform(1.5, 2.2);

  compressed(b, {0, 0}, nipple, half_height, sx * rng.normal(0, 4), thickness, rim, skin);
  if (mlo) {
    // Axillary tail up to the top of the image, and the pectoral muscle as a wedge along
    // the chest wall, widest at the top.
    compressed(b, {0, -half_height * 0.8}, nipple * rng.uniform(0.6, 0.75), half_height * 1.1,
               sx * rng.uniform(-15, -5), thickness, rim, skin);
    b.parts.push_back({Ellipsoid{{-sx * 25, -half_height * rng.uniform(1.2, 1.6)},
                                 rng.uniform(40, 70), half_height * rng.uniform(1.6, 2.0),
                                 thickness * 0.5, sx * rng.uniform(12, 30), 0},
                       Tissue::organ});
  }

  // Fibroglandular tissue: patches and strands in the fat, behind the nipple, converging on
  // it; the BI-RADS density class sets how much.
  const double density_class[4][2] = {{0.03, 0.12}, {0.12, 0.3}, {0.3, 0.55}, {0.55, 0.85}};
  const double u = rng.uniform();
  const int birads = u < 0.1 ? 0 : u < 0.5 ? 1 : u < 0.9 ? 2 : 3;  // a-d, ~10/40/40/10 %
  const double glandular = rng.uniform(density_class[birads][0], density_class[birads][1]);
  const cv::Point2d centre(sx * nipple * rng.uniform(0.35, 0.5), rng.normal(0, 8));
  const double gx = nipple * 0.45, gy = half_height * 0.65;
  const cv::Point2d tip(sx * (nipple - 5), 0);
  // Lobes of many small overlapping patches: a cloud rather than separate blobs.
  for (int lobe = static_cast<int>(4 + glandular * 30); lobe > 0; --lobe) {
    const cv::Point2d l = inside_ellipse(rng, centre, gx, gy);
    const double lx = rng.uniform(8, 25), ly = rng.uniform(6, 18);
    for (int i = static_cast<int>(glandular * 60 + 10); i > 0; --i) {
      const cv::Point2d c = inside_ellipse(rng, l, lx, ly);
      const cv::Point2d to_tip = tip - c;
      const double radial = std::atan2(to_tip.y, to_tip.x) * 180 / M_PI;
      b.parts.push_back({Ellipsoid{c, rng.uniform(2, 8), rng.uniform(1, 4), thickness * rng.uniform(0.03, 0.12),
                                   radial + rng.normal(0, 30), 0},
                         Tissue::organ});
    }
  }
  for (int i = rng.integer(10, 40); i > 0; --i) {
    Tube strand;
    const cv::Point2d end = inside_ellipse(rng, centre - cv::Point2d(sx * nipple * 0.2, 0), gx, gy * 1.2);
    for (int j = 0; j <= 5; ++j) {
      const double f = j / 5.0;
      strand.points.push_back(tip + (end - tip) * f + cv::Point2d(rng.normal(0, 3), rng.normal(0, 3)));
      strand.radius.push_back(rng.uniform(0.3, 0.8));
      strand.depth.push_back(rng.uniform(1, 3));
    }
    b.parts.push_back({strand, Tissue::organ});
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
  s.field_of_view_mm = rng.uniform(170, 250);
  s.exposure = ExposureClass::mammography;
  s.any_rotation = false;
  s.chest_wall_edge = edge;
  s.collimator_chance = 0.15;  // the field is the detector, bar a blade now and then
  s.film_chance = 0.8;         // film mammograms (DDSM) as well as digital ones
  return s;
}

}  // namespace xnet::synth
