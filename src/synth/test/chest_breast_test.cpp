// Chest and breast: what real radiographs of them show, and the labels say, must hold on the
// synthetic ones too (no bone in a mammogram; ribs and clavicles on both sides of a chest;
// lungs dark yet inside the body).
#include <gtest/gtest.h>

#include "core/labels.hpp"
#include "synth/anatomy.hpp"
#include "synth/exposure.hpp"
#include "synth/generator.hpp"

namespace xnet::synth {
namespace {

int count_label(const cv::Mat& labels, std::uint8_t value) {
  return cv::countNonZero(labels == value);
}

TEST(Breast, NoBoneButOpenBeamAndSoftTissue) {
  for (int i = 0; i < 8; ++i) {
    const SyntheticImage image = synthesize("breast", 21, i, 128, i % 2 ? Polarity::display : Polarity::raw, true);
    EXPECT_EQ(count_label(image.labels, label::bone), 0) << "#" << i;
    EXPECT_GT(count_label(image.labels, label::soft_tissue), 128 * 128 / 10) << "#" << i;
    EXPECT_GT(count_label(image.labels, label::open_beam), 128 * 128 / 10) << "#" << i;
  }
}

TEST(Breast, FatAttenuatesLessThanGlandularTissueAtMammographicEnergies) {
  Random rng(3, 0);
  const ExposureSettings s = random_exposure(ExposureClass::mammography, rng, 256, 0.5);
  EXPECT_GE(s.kvp, 25.0);
  EXPECT_LE(s.kvp, 35.0);
  const Attenuation a(make_beam(s.kvp, s.filtration_mm_al), s.density, s.trabecular_fraction);
  std::array<float, material_count> fat{}, gland{};
  fat[int(Material::adipose)] = gland[int(Material::soft_tissue)] = 4.0f;
  // ~10 % contrast per cm between fat and glandular tissue is what mammography is for.
  EXPECT_GT(a.transmission(fat), 1.5 * a.transmission(gland));
}

// A chest at 1 px per mm, upright, midline at x = 250, y = 0 (near the sternal notch) at row 200.
struct ChestView {
  Specimen specimen;
  Placement placement;
  PathMaps paths;
  cv::Mat labels;
  explicit ChestView(int index) {
    Random rng(77, index);
    specimen = build_specimen("chest", rng);
    placement.offset = {250, 200};
    const cv::Size size(500, 500);
    paths = project(specimen.body, placement, size);
    labels = label_map(paths, cv::Mat::ones(size, CV_8U), label::ignore);
  }
  cv::Point pixel(cv::Point2d mm) const { return {int(mm.x + 250), int(mm.y + 200)}; }
};

TEST(Chest, RibsAndClaviclesInTheUpperHalfOnBothSides) {
  for (int i = 0; i < 4; ++i) {
    const ChestView v(i);
    // Upper chest (rows above the heart), each side away from the spine.
    const cv::Mat upper = v.labels(cv::Rect(0, 130, 500, 150));
    EXPECT_GT(count_label(upper(cv::Rect(100, 0, 120, 150)), label::bone), 800) << "right #" << i;
    EXPECT_GT(count_label(upper(cv::Rect(280, 0, 120, 150)), label::bone), 800) << "left #" << i;
  }
}

TEST(Chest, LungsAttenuateLessThanTheHeartYetAreSoftTissueThroughout) {
  for (int i = 0; i < 4; ++i) {
    const ChestView v(i);
    Random rng(5, i);
    const ExposureSettings s = random_exposure(ExposureClass::chest, rng, 500, 1.0);
    const Attenuation a(make_beam(s.kvp, s.filtration_mm_al, s.filtration_mm_cu), s.density,
                        s.trabecular_fraction);
    auto transmission_at = [&](cv::Point p) {
      std::array<float, material_count> path{};
      for (int m = 0; m < material_count; ++m) path[m] = v.paths.path[m].at<float>(p);
      return a.transmission(path);
    };
    // The heart: the turned organ ellipsoid (the diaphragm domes are not turned); the lungs:
    // the air capsules.
    cv::Point2d heart;
    for (const Part& part : v.specimen.body.parts)
      if (const auto* e = std::get_if<Ellipsoid>(&part.shape); e && part.tissue == Tissue::organ && e->angle > 5)
        heart = e->center;
    ASSERT_NE(heart, cv::Point2d()) << "#" << i;
    int lungs = 0;
    for (const Part& part : v.specimen.body.parts) {
      if (part.tissue != Tissue::air) continue;
      const auto* lung = std::get_if<Capsule>(&part.shape);
      if (!lung) continue;
      ++lungs;
      const cv::Point2d middle = (lung->a + lung->b) * 0.5;
      EXPECT_GT(transmission_at(v.pixel(middle)), 2.0 * transmission_at(v.pixel(heart))) << "#" << i;
      // No open beam anywhere the lung projects.
      int open = 0, inside = 0;
      for (int y = 0; y < 500; y += 2)
        for (int x = 0; x < 500; x += 2)
          if (chord_at(part, {x + 0.5 - 250, y + 0.5 - 200}).outer > 0) {
            ++inside;
            open += v.labels.at<std::uint8_t>(y, x) == label::open_beam;
          }
      EXPECT_GT(inside, 1000) << "#" << i;
      EXPECT_EQ(open, 0) << "#" << i;
    }
    EXPECT_EQ(lungs, 2) << "#" << i;
  }
}

TEST(Chest, DisplayedLungsDarkerThanTheMediastinum) {
  int checked = 0;
  for (int i = 0; i < 6; ++i) {
    const SyntheticImage image = synthesize("chest", 31, i, 160, Polarity::display, false);
    // Upright images: a band of the upper-middle chest, lung columns against the midline.
    const cv::Mat band = image.pixels(cv::Rect(0, 50, 160, 40));
    const double lungs = (cv::mean(band(cv::Rect(30, 0, 30, 40)))[0] + cv::mean(band(cv::Rect(100, 0, 30, 40)))[0]) / 2;
    const double middle = cv::mean(band(cv::Rect(72, 0, 16, 40)))[0];
    checked += lungs < middle;
  }
  EXPECT_GE(checked, 4);  // some are turned or collimated off the lungs
}

}  // namespace
}  // namespace xnet::synth
