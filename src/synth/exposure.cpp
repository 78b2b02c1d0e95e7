#include "synth/exposure.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace xnet::synth {

namespace {

struct Range { double lo, hi; };

// Typical settings by kind of examination (radiographic technique charts, e.g. Bontrager's
// "Textbook of Radiographic Positioning"): extremities 45-65 kVp without grid, thick limbs
// 55-75 kVp, trunk 70-95 kVp with or without grid; scatter-to-primary ratios after
// Boone & Cooper (Med. Phys. 2000): ~0.1-0.5 for extremities, 1-5 behind 20 cm of tissue
// without grid, a few tenths with one. Chest PA: high-kVp technique, 100-125 kVp with a grid
// (Bontrager); scatter behind the mediastinum and abdomen as for the trunk. Mammography:
// 25-35 kVp (Mo/Mo, Mo/Rh, Rh/Rh; Bushberg et al., "The Essential Physics of Medical
// Imaging", ch. 8), SPR 0.3-0.8 for 3-7 cm of breast without grid, ~0.1-0.3 with one
// (Boone et al., Med. Phys. 2000).
struct Technique { Range kvp, scatter; };
Technique technique(ExposureClass kind) {
  switch (kind) {
    case ExposureClass::extremity: return {{45, 66}, {0.05, 0.5}};
    case ExposureClass::limb: return {{55, 76}, {0.1, 1.0}};
    case ExposureClass::trunk: return {{70, 96}, {0.3, 2.0}};
    case ExposureClass::chest: return {{100, 125}, {0.3, 2.0}};
    case ExposureClass::mammography: return {{25, 35}, {0.1, 0.8}};
    case ExposureClass::phantom: return {{40, 100}, {0.05, 0.8}};
  }
  return {{50, 80}, {0.1, 1.0}};
}

double pick(Random& rng, Range r) { return rng.uniform(r.lo, r.hi); }

// Zero-mean, unit-sd random field smooth on the scale of `cell` pixels.
cv::Mat smooth_noise(Random& rng, cv::Size size, double cell) {
  const cv::Size small(std::max(2, int(size.width / cell)), std::max(2, int(size.height / cell)));
  cv::Mat n(small, CV_32F);
  for (int y = 0; y < small.height; ++y)
    for (int x = 0; x < small.width; ++x) n.at<float>(y, x) = static_cast<float>(rng.normal());
  cv::Mat big;
  cv::resize(n, big, size, 0, 0, cv::INTER_CUBIC);
  cv::Scalar mean, sd;
  cv::meanStdDev(big, mean, sd);
  return (big - mean[0]) / std::max(sd[0], 1e-6);
}

// A wide Gaussian blur done on a coarse grid: scatter varies slowly.
cv::Mat wide_blur(const cv::Mat& m, double sigma) {
  const int factor = 8;
  cv::Mat small, blurred, out;
  cv::resize(m, small, cv::Size(std::max(1, m.cols / factor), std::max(1, m.rows / factor)), 0, 0,
             cv::INTER_AREA);
  cv::GaussianBlur(small, blurred, cv::Size(), std::max(sigma / factor, 0.5), 0, cv::BORDER_REPLICATE);
  cv::resize(blurred, out, m.size(), 0, 0, cv::INTER_LINEAR);
  return out;
}

// Heel effect along one direction, inverse-square fall-off to the corners and a slow ripple.
cv::Mat illumination(const ExposureSettings& s, Random& rng, cv::Size size) {
  cv::Mat g(size, CV_32F);
  const double ca = std::cos(s.heel_direction * M_PI / 180), sa = std::sin(s.heel_direction * M_PI / 180);
  const double falloff = rng.uniform(0.0, 0.05);
  const double fx = rng.uniform(-1.2, 1.2), fy = rng.uniform(-1.2, 1.2), phase = rng.uniform(0, 2 * M_PI);
  for (int y = 0; y < size.height; ++y)
    for (int x = 0; x < size.width; ++x) {
      const double u = (x + 0.5) / size.width - 0.5, v = (y + 0.5) / size.height - 0.5;
      g.at<float>(y, x) = static_cast<float>(
          (1.0 - s.heel * (ca * u + sa * v)) * (1.0 - falloff * (u * u + v * v) * 2) *
          (1.0 + s.slow_variation * std::cos(2 * M_PI * (fx * u + fy * v) + phase)));
    }
  return g;
}

// Open-beam quanta per pixel that give the median object pixel in the field `behind` quanta.
double open_beam_quanta(const cv::Mat& t, const cv::Mat& path, const cv::Mat& field, double behind) {
  std::vector<float> object;
  for (int y = 0; y < t.rows; y += 2)
    for (int x = 0; x < t.cols; x += 2)
      if (field.at<std::uint8_t>(y, x) && path.at<float>(y, x) > 0.05f) object.push_back(t.at<float>(y, x));
  if (object.empty()) return behind;
  std::nth_element(object.begin(), object.begin() + object.size() / 2, object.end());
  return behind / std::max(object[object.size() / 2], 1e-3f);
}

}  // namespace

ExposureSettings random_exposure(ExposureClass kind, Random& rng, int size, double pixel_mm) {
  ExposureSettings s;
  const Technique t = technique(kind);
  s.kvp = pick(rng, t.kvp);
  s.filtration_mm_al = rng.uniform(2.5, 4.0);  // IEC 60601-1-3: at least 2.5 mm Al total
  s.filtration_mm_cu = rng.chance(0.25) ? rng.uniform(0.0, 0.2) : 0.0;
  if (kind == ExposureClass::mammography) {
    // A molybdenum or rhodium anode and 30 um Mo / 25 um Rh filter give a spectrum peaked
    // at 17-20 keV. Approximated by Kramers' tungsten spectrum at the same kVp hardened by
    // 0.3-0.8 mm Al (mean energy ~19-22 keV); the K-edge is not modelled.
    s.filtration_mm_al = rng.uniform(0.3, 0.8);
    s.filtration_mm_cu = 0.0;
  }
  for (int m = 0; m < material_count; ++m) s.density[m] = nominal_density(static_cast<Material>(m));
  // Soft tissue from fatty (0.95) to lean (1.07); bone mineral from osteoporotic to dense.
  s.density[int(Material::soft_tissue)] = rng.uniform(0.95, 1.07);
  // In the breast fat is its own material: the rest is fibroglandular tissue (~1.02-1.04,
  // Hammerstein et al., Radiology 1979).
  if (kind == ExposureClass::mammography) s.density[int(Material::soft_tissue)] = rng.uniform(1.02, 1.05);
  s.density[int(Material::cortical_bone)] = rng.uniform(1.55, 1.95);
  s.trabecular_fraction = rng.uniform(0.08, 0.3);
  s.trabecular_texture = rng.uniform(0.05, 0.35);
  s.tissue_texture = rng.uniform(0.0, 0.025);
  s.heel = rng.uniform(0.0, 0.15);  // the anode side is up to ~15 % darker
  s.heel_direction = rng.uniform(0, 360);
  s.slow_variation = rng.uniform(0.0, 0.03);
  s.scatter_to_primary = pick(rng, t.scatter);
  s.scatter_sigma_px = rng.uniform(0.08, 0.3) * size;
  s.leakage = rng.uniform(0.005, 0.06);
  s.penumbra_px = rng.uniform(0.3, 2.5);
  s.blur_px = rng.uniform(0.4, 1.4);
  // A detector dose of ~2.5 uGy is ~3e4 quanta/mm^2 at 70 kVp; our pixels are large
  // (binned), so the count scales with their area; AEC settings vary tenfold.
  s.quanta_behind_object =
      std::max(100.0, 3e4 * pixel_mm * pixel_mm * std::exp(rng.uniform(std::log(0.2), std::log(2.0))));
  s.open_beam_dn = rng.uniform(4000, 60000);
  s.offset = rng.uniform(0, 2000);
  s.electronic_noise = rng.uniform(2, 25);
  return s;
}

cv::Mat transmission(const PathMaps& paths, const Attenuation& attenuation) {
  const cv::Size size = paths.path[0].size();
  cv::Mat t(size, CV_32F);
  std::array<float, material_count> path{};
  for (int y = 0; y < size.height; ++y)
    for (int x = 0; x < size.width; ++x) {
      bool any = false;
      for (int m = 0; m < material_count; ++m) any |= (path[m] = paths.path[m].at<float>(y, x)) > 0;
      t.at<float>(y, x) = any ? static_cast<float>(attenuation.transmission(path)) : 1.0f;
    }
  return t;
}

cv::Mat detect(const cv::Mat& expected_quanta, const ExposureSettings& s, Random& rng) {
  cv::Mat dn(expected_quanta.size(), CV_32F);
  for (int y = 0; y < dn.rows; ++y)
    for (int x = 0; x < dn.cols; ++x) {
      const double counts = rng.poisson(expected_quanta.at<float>(y, x));
      const double v = s.gain * counts + s.offset + s.electronic_noise * rng.normal();
      dn.at<float>(y, x) = static_cast<float>(std::clamp(std::round(v), 0.0, 65535.0));
    }
  return dn;
}

cv::Mat expose(PathMaps paths, const cv::Mat& field, const ExposureSettings& s, Random& rng) {
  const cv::Size size = field.size();
  // Trabeculae and fat/muscle make bone and flesh less uniform than the solids they are.
  auto& marrow = paths.path[int(Material::marrow)];
  marrow = marrow.mul(cv::max(1.0 + s.trabecular_texture * smooth_noise(rng, size, 1.5), 0.0));
  auto& soft = paths.path[int(Material::soft_tissue)];
  soft = soft.mul(cv::max(1.0 + s.tissue_texture * smooth_noise(rng, size, size.width / 12.0), 0.0));

  const Attenuation attenuation(make_beam(s.kvp, s.filtration_mm_al, s.filtration_mm_cu),
                                s.density, s.trabecular_fraction);
  const cv::Mat t = transmission(paths, attenuation);
  const double quanta = open_beam_quanta(t, paths.total_path(), field, s.quanta_behind_object);
  ExposureSettings detector = s;
  detector.gain = s.open_beam_dn / quanta;

  // Beam: field open, blades pass only leakage; focal-spot penumbra softens the edge.
  cv::Mat beam;
  field.convertTo(beam, CV_32F, 1.0 - s.leakage, s.leakage);
  cv::GaussianBlur(beam, beam, cv::Size(), s.penumbra_px, 0, cv::BORDER_REPLICATE);
  beam = beam.mul(illumination(s, rng, size));
  const cv::Mat primary = beam.mul(t);

  // Scatter: a blurred fraction of the primary, growing with the thickness it crosses
  // (saturating around 20 cm of tissue).
  cv::Mat thickness = paths.total_path(), grow;
  cv::exp(-thickness / 10.0, grow);
  const cv::Mat scatter = wide_blur(primary.mul(1.0 - grow), s.scatter_sigma_px) * s.scatter_to_primary;

  cv::Mat signal = primary + scatter;
  cv::GaussianBlur(signal, signal, cv::Size(), s.blur_px, 0, cv::BORDER_REPLICATE);
  return detect(signal * quanta, detector, rng);
}

}  // namespace xnet::synth
