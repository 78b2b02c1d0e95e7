#pragma once
// What on-the-fly augmentation may do to a training pair. Spatial defaults are the reference
// code's parameters (reference.md); intensity defaults are this project's, chosen so that one
// model serves raw and display radiographs (see intensity.hpp).
#include <nlohmann/json.hpp>

namespace xnet {

struct AugmentOptions {
  bool enabled = true;  // --augment off: apply() returns the pair unchanged

  // Spatial, reference.md.
  double flip_probability = 0.5;      // horizontal and vertical, each
  double max_translation = 0.01;      // +-1 % of the size
  double max_rotation_deg = 15.0;     // +-15 deg
  double max_shear_deg = 2.0;         // +-2 deg
  // Half the epoch unzoomed: predictions see every image at its own scale, never zoomed.
  double crop_probability = 0.5;
  double min_crop = 0.10;             // removing 10-40 % of each side's length
  double max_crop = 0.40;
  double elastic_probability = 0.5;   // then elastic deformation, else Gaussian blur
  double max_blur_sigma = 0.4;        // sigma 0-0.4 px
  double elastic_displacement = 0.005; // "small": displacement s.d., fraction of the size
  double elastic_smoothness = 0.12;   // field correlation length, fraction of the size
  // Reference: reflect padding for image and labels alike. false: labels outside the data
  // become 255 (ignore) while the image is still reflected.
  bool reflect_labels = true;

  // Intensity, applied to the canonical image (0..1, bone bright).
  double max_offset = 0.08;           // exposure / window level: + U(-a, a)
  double max_gain = 0.15;             // contrast / window width: x U(1-a, 1+a)
  double max_gamma = 1.4;             // tone curve x^g, log g ~ U(-log a, log a)
  double max_noise = 0.03;            // s.d. at mid grey, growing with attenuation
  double display_look_probability = 0.5;  // unsharp masking as display processing does
  double max_edge_enhancement = 0.8;
  double background_removal_probability = 0.1;  // open beam set to 0, as in RSNA-like files
  // Domain randomisation of the grey values (issue 16: a model trained on synthetic data alone
  // must not rely on absolute grey levels, which every vendor's processing sets differently).
  // Dynamic range compression as multiscale processing does it: minus a share of a wide blur.
  double range_compression_probability = 0.3;
  double max_range_compression = 0.7;
  // Local contrast equalisation (CLAHE), blended with the image by a random amount.
  double local_equalisation_probability = 0.25;
  // A random monotone tone curve through 6 knots whose local slopes differ by up to this
  // factor from the identity's (LUTs of display processing, film characteristic curves).
  double tone_curve_probability = 0.5;
  double max_tone_slope = 3.0;

  static AugmentOptions off() {
    AugmentOptions o;
    o.enabled = false;
    return o;
  }
};

// Recorded in a run's provenance; reading checks the ranges and names the bad field.
void to_json(nlohmann::json& j, const AugmentOptions& o);
void from_json(const nlohmann::json& j, AugmentOptions& o);

}  // namespace xnet
