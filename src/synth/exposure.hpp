#pragma once
// Image formation: from path lengths to the 16-bit raw values of a flat-panel detector.
// Ranges and their sources: exposure.cpp and docs/synth.md.
#include <array>

#include <opencv2/core.hpp>

#include "synth/anatomy.hpp"
#include "synth/body.hpp"
#include "synth/materials.hpp"
#include "synth/random.hpp"

namespace xnet::synth {

struct ExposureSettings {
  double kvp = 60, filtration_mm_al = 2.5, filtration_mm_cu = 0;
  std::array<double, material_count> density{};  // g/cm^3 per Material
  double trabecular_fraction = 0.2;   // bone volume fraction of cancellous bone
  double trabecular_texture = 0.2;    // relative variation of cancellous path (trabeculae)
  double tissue_texture = 0.03;       // slow relative variation of soft tissue (fat, muscle)
  double heel = 0.1;                  // relative fall-off of the beam across the image
  double heel_direction = 0;          // deg
  double slow_variation = 0.02;       // amplitude of a slow cosine brightness ripple
  double scatter_to_primary = 0.3;    // scatter / primary behind ~20 cm of tissue
  double scatter_sigma_px = 60;
  double leakage = 0.02;              // transmission of the collimator blades
  double penumbra_px = 1.0;
  double blur_px = 0.8;               // detector point spread (Gaussian sigma)
  // Automatic exposure control: the dose is set so that the median pixel behind the anatomy
  // receives `quanta_behind_object`; the open beam then gets more.
  double quanta_behind_object = 2000;
  double open_beam_dn = 30000;        // raw value of the unattenuated beam (12- to 16-bit)
  double gain = 4;                    // DN per quantum (set by expose from the two above)
  double offset = 500;                // DN of a dark pixel
  double electronic_noise = 8;        // DN (sd)
};

// size: image width (px); pixel_mm: pixel pitch the anatomy is drawn at.
ExposureSettings random_exposure(ExposureClass kind, Random& rng, int size, double pixel_mm);

// Primary transmission (0..1] per pixel, polyenergetic Beer-Lambert.
cv::Mat transmission(const PathMaps& paths, const Attenuation& attenuation);

// Detector: expected quanta per pixel -> Poisson counts, gain, offset, electronic noise,
// rounded and clamped to 16 bits (CV_32F holding integers).
cv::Mat detect(const cv::Mat& expected_quanta, const ExposureSettings& s, Random& rng);

// The whole chain for one image: raw detector values, open beam brightest.
cv::Mat expose(PathMaps paths, const cv::Mat& field, const ExposureSettings& s, Random& rng);

}  // namespace xnet::synth
