#pragma once
// X-ray attenuation of the materials synthetic radiographs are made of, and the polyenergetic
// beam that crosses them. Mass attenuation coefficients: NIST XCOM / Hubbell & Seltzer tables
// (total with coherent scattering), rounded; docs/synth.md lists the values and ranges.
#include <array>
#include <vector>

namespace xnet::synth {

enum class Material { soft_tissue, cortical_bone, marrow, pmma, aluminium, copper, adipose,
                      calcification };
constexpr int material_count = 8;

// Nominal density in g/cm^3 (ICRU-44 for tissues).
double nominal_density(Material m);
// Mass attenuation coefficient mu/rho in cm^2/g at energy keV (log-log interpolation of the
// tabulated values between 15 and 150 keV).
double mass_attenuation(Material m, double kev);
// Whether a ray through this material is labelled bone (metals of phantoms play bone's part).
bool is_bone_like(Material m);

// An X-ray spectrum reduced to a few energy bins: tungsten-anode bremsstrahlung after
// Kramers, N(E) ~ (kVp - E) / E, hardened by the tube's filtration, weighted by energy as an
// energy-integrating detector sees it. Weights sum to 1.
struct Beam {
  std::vector<double> kev;
  std::vector<double> weight;
};
Beam make_beam(double kvp, double filtration_mm_al, double filtration_mm_cu = 0.0, int bins = 6);

// Linear attenuation mu (1/cm) per bin and material for one image, whose densities may vary
// (bone mineral, fat content); cancellous bone is marrow with a bone volume fraction.
class Attenuation {
 public:
  Attenuation(const Beam& beam, const std::array<double, material_count>& density,
              double trabecular_fraction);
  // Detected fraction of the open-beam signal behind the given path lengths (cm), ordered
  // as Material. Polyenergetic Beer-Lambert: sum_k w_k exp(-sum_m mu_mk L_m).
  double transmission(const std::array<float, material_count>& path_cm) const;
  const Beam& beam() const { return beam_; }

 private:
  Beam beam_;
  std::vector<std::array<double, material_count>> mu_;  // per bin
};

}  // namespace xnet::synth
