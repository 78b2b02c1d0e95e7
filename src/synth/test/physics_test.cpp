// Physics of image formation: attenuation, beam hardening, Poisson noise.
#include <gtest/gtest.h>

#include <cmath>

#include "synth/exposure.hpp"
#include "synth/materials.hpp"

namespace xnet::synth {
namespace {

std::array<double, material_count> nominal_densities() {
  std::array<double, material_count> d{};
  for (int m = 0; m < material_count; ++m) d[m] = nominal_density(static_cast<Material>(m));
  return d;
}

std::array<float, material_count> only(Material m, float cm) {
  std::array<float, material_count> p{};
  p[static_cast<int>(m)] = cm;
  return p;
}

TEST(Materials, TableValuesAndInterpolation) {
  EXPECT_NEAR(mass_attenuation(Material::cortical_bone, 50), 0.4242, 1e-9);
  EXPECT_NEAR(mass_attenuation(Material::aluminium, 30), 1.128, 1e-9);
  const double mid = mass_attenuation(Material::soft_tissue, 45);
  EXPECT_LT(mid, mass_attenuation(Material::soft_tissue, 40));
  EXPECT_GT(mid, mass_attenuation(Material::soft_tissue, 50));
  // Bone attenuates more than soft tissue at every diagnostic energy.
  for (double e : {20.0, 35.0, 60.0, 90.0})
    EXPECT_GT(mass_attenuation(Material::cortical_bone, e) * 1.92,
              mass_attenuation(Material::soft_tissue, e) * 1.06);
}

TEST(Materials, BeamWeightsSumToOneAndHardenWithFiltration) {
  const Beam soft = make_beam(70, 2.5), hard = make_beam(70, 2.5, 0.3);
  double sum = 0, mean_soft = 0, mean_hard = 0;
  for (std::size_t k = 0; k < soft.kev.size(); ++k) {
    sum += soft.weight[k];
    mean_soft += soft.weight[k] * soft.kev[k];
    mean_hard += hard.weight[k] * hard.kev[k];
  }
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_GT(mean_hard, mean_soft + 1.0);
}

TEST(Attenuation, MonotonicInThicknessForEveryMaterial) {
  const Attenuation att(make_beam(60, 3.0), nominal_densities(), 0.2);
  EXPECT_DOUBLE_EQ(att.transmission({}), 1.0);
  for (int m = 0; m < material_count; ++m) {
    double previous = 1.0;
    for (float cm = 0.05f; cm < 20; cm *= 1.5f) {
      const double t = att.transmission(only(static_cast<Material>(m), cm));
      EXPECT_LT(t, previous) << "material " << m << " at " << cm << " cm";
      EXPECT_GT(t, 0.0);
      previous = t;
    }
  }
}

TEST(Attenuation, BeamHardeningLowersEffectiveMu) {
  // Polyenergetic: -ln(T)/L falls with L, as the soft part of the spectrum is used up.
  const Attenuation att(make_beam(60, 2.5), nominal_densities(), 0.2);
  for (Material m : {Material::soft_tissue, Material::cortical_bone, Material::marrow}) {
    const double mu_thin = -std::log(att.transmission(only(m, 0.2f))) / 0.2;
    const double mu_thick = -std::log(att.transmission(only(m, 4.0f))) / 4.0;
    EXPECT_GT(mu_thin, mu_thick * 1.05) << static_cast<int>(m);
  }
}

TEST(Detector, NoiseVarianceGrowsWithSignalLikePoisson) {
  ExposureSettings s;
  s.gain = 3.0;
  s.offset = 1000;
  s.electronic_noise = 5.0;
  Random rng(7, 0);
  for (double quanta : {200.0, 2000.0, 8000.0}) {
    const cv::Mat flat(cv::Size(200, 200), CV_32F, cv::Scalar(quanta));
    cv::Scalar mean, sd;
    cv::meanStdDev(detect(flat, s, rng), mean, sd);
    // var = gain^2 * N + sigma_e^2 (and rounding, 1/12).
    const double expected = s.gain * s.gain * quanta + 25 + 1.0 / 12;
    EXPECT_NEAR(mean[0], s.offset + s.gain * quanta, 0.5 + 4 * std::sqrt(expected / 40000));
    EXPECT_NEAR(sd[0] * sd[0] / expected, 1.0, 0.05) << quanta;
  }
}

TEST(Random, PoissonSmallMeanMatchesMoments) {
  Random rng(3, 1);
  double sum = 0, sum2 = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double k = rng.poisson(4.0);
    sum += k;
    sum2 += k * k;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 4.0, 0.05);
  EXPECT_NEAR(var, 4.0, 0.1);
}

}  // namespace
}  // namespace xnet::synth
