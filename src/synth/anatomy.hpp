#pragma once
// The body parts and phantoms synthetic radiographs show: one random specimen per call.
#include <string>
#include <vector>

#include "synth/body.hpp"
#include "synth/random.hpp"

namespace xnet::synth {

// How a specimen is usually exposed (kVp, scatter): extremities, thick limbs, the trunk,
// the chest (high kVp), the breast (low kVp), test objects. Ranges in exposure.cpp, sources
// in docs/synth.md.
enum class ExposureClass { extremity, limb, trunk, chest, mammography, phantom };

struct Specimen {
  Body body;
  cv::Point2d focus;               // body-frame point (mm) the field of view centres on
  double field_of_view_mm = 250;   // typical width of the image
  ExposureClass exposure = ExposureClass::extremity;
  bool any_rotation = true;        // phantoms lie any way; limbs mostly along the image axes
  // Mammograms: the chest wall lies on the detector's edge, so the focus (a point on the
  // chest wall) goes on the left (-1) or right (+1) image edge, upright; 0: near the centre.
  int chest_wall_edge = 0;
  double upright_chance = 0.0;     // share hung upright (small turns only): chest films
  double window_margin = 0.0;      // display: window bottom lowered by up to this share of
                                   // its width (lungs stay grey, not black)
  double collimator_chance = 0.8;  // share of images with blades in view
  double film_chance = 0.0;        // share of display images that are digitised film
  std::pair<double, double> film_anchor{0.05, 0.2};  // film: anatomy quantile at mid density
  // Image height / width: 1 square; an elongated one (long legs 8, film mammograms 2) keeps
  // half the pixels of a square image, height = size * sqrt(aspect / 2) (image_size()).
  double aspect = 1.0;
  double squash = 1.0;             // drawn this many times wider than stored (resized scans)
  bool stitched = false;           // long-leg film: cassettes stitched, a ruler beside it
};

// The image a specimen is drawn on for --size `size`.
cv::Size image_size(const Specimen& specimen, int size);

// Category names: the dataset's category column and file-name prefixes (no '_', contract.md).
const std::vector<std::string>& category_names();

// A random specimen of the category (its pose, size, proportions and density vary);
// throws xnet::Error for an unknown category.
Specimen build_specimen(const std::string& category, Random& rng);

}  // namespace xnet::synth
