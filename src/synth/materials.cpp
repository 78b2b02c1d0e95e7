#include "synth/materials.hpp"

#include <cmath>

namespace xnet::synth {

namespace {
constexpr std::array<double, 9> table_kev = {15, 20, 30, 40, 50, 60, 80, 100, 150};
// mu/rho in cm^2/g at table_kev. NIST XCOM / Hubbell & Seltzer (NISTIR 5632), rounded:
// ICRU-44 soft tissue and cortical bone, red marrow close to water, PMMA, Al, Cu, ICRU-44
// adipose tissue (the fat of the breast, much less attenuating than glandular tissue at
// mammographic energies), and cortical bone again for breast calcifications (calcium
// salts like bone mineral; their own entry because they are not labelled bone).
constexpr std::array<std::array<double, 9>, material_count> table = {{
    {1.700, 0.8205, 0.3790, 0.2688, 0.2264, 0.2048, 0.1823, 0.1693, 0.1492},  // soft tissue
    {9.032, 4.001, 1.331, 0.6655, 0.4242, 0.3148, 0.2229, 0.1855, 0.1480},    // cortical bone
    {1.550, 0.7600, 0.3580, 0.2580, 0.2190, 0.1990, 0.1780, 0.1660, 0.1460},  // marrow
    {1.448, 0.7030, 0.3572, 0.2547, 0.2145, 0.1949, 0.1745, 0.1624, 0.1437},  // PMMA
    {7.955, 3.441, 1.128, 0.5685, 0.3681, 0.2778, 0.2018, 0.1704, 0.1378},    // aluminium
    {74.05, 33.79, 10.92, 4.862, 2.613, 1.593, 0.7630, 0.4584, 0.2217},       // copper
    {1.127, 0.5965, 0.3168, 0.2464, 0.2161, 0.1994, 0.1798, 0.1672, 0.1480},  // adipose
    {9.032, 4.001, 1.331, 0.6655, 0.4242, 0.3148, 0.2229, 0.1855, 0.1480},    // calcification
}};
}  // namespace

double nominal_density(Material m) {
  switch (m) {
    case Material::soft_tissue: return 1.06;   // ICRU-44
    case Material::cortical_bone: return 1.92; // ICRU-44
    case Material::marrow: return 1.03;        // ICRU-44 red marrow
    case Material::pmma: return 1.19;
    case Material::aluminium: return 2.699;
    case Material::copper: return 8.96;
    case Material::adipose: return 0.95;       // ICRU-44
    case Material::calcification: return 1.92; // as cortical bone
  }
  return 1.0;
}

double mass_attenuation(Material m, double kev) {
  const auto& mu = table[static_cast<int>(m)];
  std::size_t i = 0;
  while (i + 2 < table_kev.size() && kev > table_kev[i + 1]) ++i;
  // Photoelectric absorption makes log(mu) close to linear in log(E) between table points.
  const double f = (std::log(kev) - std::log(table_kev[i])) /
                   (std::log(table_kev[i + 1]) - std::log(table_kev[i]));
  return std::exp(std::log(mu[i]) + f * (std::log(mu[i + 1]) - std::log(mu[i])));
}

bool is_bone_like(Material m) {
  return m == Material::cortical_bone || m == Material::marrow || m == Material::aluminium ||
         m == Material::copper;
}

Beam make_beam(double kvp, double filtration_mm_al, double filtration_mm_cu, int bins) {
  Beam beam;
  const double lo = 15.0, step = (kvp - lo) / bins;
  double total = 0.0;
  for (int k = 0; k < bins; ++k) {
    const double e = lo + (k + 0.5) * step;
    const double photons = (kvp - e) / e;  // Kramers' law
    const double filter =
        std::exp(-mass_attenuation(Material::aluminium, e) * 2.699 * filtration_mm_al / 10.0 -
                 mass_attenuation(Material::copper, e) * 8.96 * filtration_mm_cu / 10.0);
    const double w = photons * filter * e;  // energy-integrating detector
    beam.kev.push_back(e);
    beam.weight.push_back(w);
    total += w;
  }
  for (double& w : beam.weight) w /= total;
  return beam;
}

Attenuation::Attenuation(const Beam& beam, const std::array<double, material_count>& density,
                         double trabecular_fraction)
    : beam_(beam), mu_(beam.kev.size()) {
  for (std::size_t k = 0; k < beam.kev.size(); ++k) {
    for (int m = 0; m < material_count; ++m)
      mu_[k][m] = mass_attenuation(static_cast<Material>(m), beam.kev[k]) * density[m];
    // Cancellous bone: marrow with trabeculae of cortical-like bone (volume fraction).
    const int marrow = static_cast<int>(Material::marrow);
    const int cortical = static_cast<int>(Material::cortical_bone);
    mu_[k][marrow] =
        (1.0 - trabecular_fraction) * mu_[k][marrow] + trabecular_fraction * mu_[k][cortical];
  }
}

double Attenuation::transmission(const std::array<float, material_count>& path_cm) const {
  double t = 0.0;
  for (std::size_t k = 0; k < mu_.size(); ++k) {
    double exponent = 0.0;
    for (int m = 0; m < material_count; ++m) exponent += mu_[k][m] * path_cm[m];
    t += beam_.weight[k] * std::exp(-exponent);
  }
  return t;
}

}  // namespace xnet::synth
