// Body models, projection and labels agree with the closed-form geometry.
#include <gtest/gtest.h>

#include <cmath>

#include "core/labels.hpp"
#include "synth/body.hpp"
#include "synth/collimator.hpp"
#include "synth/generator.hpp"

namespace xnet::synth {
namespace {

TEST(Shapes, CapsuleChordIsTwiceTheHalfChordOfItsCircle) {
  const Part p{Capsule{{0, 0}, {100, 0}, 10, 10, 1.0, 1.0}, Tissue::envelope};
  EXPECT_NEAR(chord_at(p, {50, 0}).outer, 20.0, 1e-9);
  EXPECT_NEAR(chord_at(p, {50, 6}).outer, 16.0, 1e-9);
  EXPECT_NEAR(chord_at(p, {-6, 0}).outer, 16.0, 1e-9);  // rounded cap
  EXPECT_EQ(chord_at(p, {50, 10.5}).outer, 0.0);
}

TEST(Shapes, HollowBoneSplitsCortexAndMarrow) {
  const Part p{Capsule{{0, 0}, {100, 0}, 10, 10, 1.0, 1.0}, Tissue::bone, 3.0, 1.0};
  const Chord mid = chord_at(p, {50, 0});
  EXPECT_NEAR(mid.outer, 20.0, 1e-9);
  EXPECT_NEAR(mid.inner, 14.0, 1e-9);  // shell 3 mm mid-shaft
  EXPECT_NEAR(chord_at(p, {50, 8}).inner, 0.0, 1e-12);  // only cortex near the edge
}

TEST(Shapes, EllipsoidChordFollowsTilt) {
  const Part flat{Ellipsoid{{5, 5}, 30, 20, 10, 0, 0}, Tissue::envelope};
  EXPECT_NEAR(chord_at(flat, {5, 5}).outer, 20.0, 1e-9);
  const Part standing{Ellipsoid{{5, 5}, 30, 20, 10, 0, 90}, Tissue::envelope};
  EXPECT_NEAR(chord_at(standing, {5, 5}).outer, 40.0, 1e-9);
  const Part turned{Ellipsoid{{0, 0}, 30, 20, 10, 90, 0}, Tissue::envelope};
  EXPECT_GT(chord_at(turned, {0, 25}).outer, 0.0);   // long axis now along y
  EXPECT_EQ(chord_at(turned, {25, 0}).outer, 0.0);
}

// A bone in a sleeve of flesh, rotated and scaled onto a 128 px image.
struct Limb {
  Body body;
  Placement placement{1.3, 30.0, {64, 64}};
  Limb() {
    body.parts.push_back({Capsule{{-30, 0}, {30, 0}, 8, 8, 0.8, 1.0}, Tissue::bone, 2.0, 0.5});
    body.parts.push_back({Capsule{{-50, 0}, {50, 0}, 20, 20, 1.0, 0.8}, Tissue::envelope});
  }
  cv::Point2d local(int x, int y) const {
    const double a = placement.angle * M_PI / 180, dx = x + 0.5 - 64, dy = y + 0.5 - 64;
    return {(std::cos(a) * dx + std::sin(a) * dy) / 1.3, (-std::sin(a) * dx + std::cos(a) * dy) / 1.3};
  }
};

TEST(Projection, LabelsAgreeWithTheGeometry) {
  const Limb limb;
  const cv::Size size(128, 128);
  const PathMaps paths = project(limb.body, limb.placement, size);
  const cv::Mat labels = label_map(paths, cv::Mat(size, CV_8U, cv::Scalar(1)), label::ignore);
  int bone = 0, soft = 0, open = 0, borderline = 0;
  for (int y = 0; y < 128; ++y)
    for (int x = 0; x < 128; ++x) {
      const double b = chord_at(limb.body.parts[0], limb.local(x, y)).outer * 0.1;
      const double e = chord_at(limb.body.parts[1], limb.local(x, y)).outer * 0.1;
      if (std::abs(b - label_path_threshold_cm) < 1e-5 || std::abs(e - label_path_threshold_cm) < 1e-5) {
        ++borderline;
        continue;
      }
      const std::uint8_t expected = b > label_path_threshold_cm   ? label::bone
                                    : e > label_path_threshold_cm ? label::soft_tissue
                                                                  : label::open_beam;
      ASSERT_EQ(labels.at<std::uint8_t>(y, x), expected) << "pixel " << x << "," << y;
      bone += expected == label::bone;
      soft += expected == label::soft_tissue;
      open += expected == label::open_beam;
      // Flesh the bone displaces is not counted twice.
      EXPECT_NEAR(paths.total_path().at<float>(y, x), std::max(b, e), 1e-4);
    }
  EXPECT_LT(borderline, 3);
  // Bone area ~ (60 + 16) x 16 mm at 1.69 px/mm^2, flesh sleeve much larger.
  EXPECT_GT(bone, 1500);
  EXPECT_GT(soft, bone);
  EXPECT_GT(open, 1000);
}

TEST(Projection, PartsOutsideTheImageAreClipped) {
  Body body;
  body.parts.push_back({Ellipsoid{{0, 0}, 50, 50, 50, 0, 0}, Tissue::aluminium});
  const PathMaps paths = project(body, Placement{1.0, 0.0, {0, 0}}, cv::Size(40, 40));
  EXPECT_NEAR(paths.path[static_cast<int>(Material::aluminium)].at<float>(0, 0), 10.0, 0.01);
  EXPECT_EQ(paths.path[static_cast<int>(Material::aluminium)].at<float>(39, 39), 0.0f);
}

TEST(Collimator, ClippedFieldMaskMatchesPolygonArea) {
  const cv::Size size(100, 80);
  const ExposedField field{true, clip_to_image({{-20, 10}, {60, 10}, {60, 120}, {-20, 120}}, size)};
  ASSERT_EQ(field.polygon.size(), 4u);
  const cv::Mat mask = field_mask(field, size);
  EXPECT_EQ(cv::countNonZero(mask), 60 * 70);  // x in [0,60), y in [10,80)
  EXPECT_EQ(cv::countNonZero(field_mask(whole_image(size), size)), 100 * 80);
}

TEST(Collimator, RandomFieldsAreConvexInsideTheImageAndSometimesAbsent) {
  Random rng(11, 0);
  int absent = 0, rotated = 0;
  for (int i = 0; i < 200; ++i) {
    const ExposedField f = random_field(rng, cv::Size(64, 64), {32, 32});
    absent += !f.present;
    for (const auto& p : f.polygon) {
      EXPECT_GE(p.x, -1e-9); EXPECT_LE(p.x, 64 + 1e-9);
      EXPECT_GE(p.y, -1e-9); EXPECT_LE(p.y, 64 + 1e-9);
    }
    bool axis_aligned = true;
    for (std::size_t k = 0; k < f.polygon.size(); ++k) {
      const auto d = f.polygon[(k + 1) % f.polygon.size()] - f.polygon[k];
      axis_aligned &= std::abs(d.x) < 1e-9 || std::abs(d.y) < 1e-9;
    }
    rotated += !axis_aligned;
  }
  EXPECT_GT(absent, 10);
  EXPECT_LT(absent, 120);
  EXPECT_GT(rotated, 40);
}

}  // namespace
}  // namespace xnet::synth
