#include "augment/augmenter.hpp"

#include <filesystem>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "augment/intensity.hpp"
#include "augment/preview.hpp"
#include "postprocess/overlay.hpp"
#include "core/error.hpp"
#include "core/labels.hpp"

namespace fs = std::filesystem;
using namespace xnet;

namespace {

// Spatial augmentation only: the intensity stays a known function of the label.
AugmentOptions spatial_only() {
  AugmentOptions o;
  o.max_offset = 0.0;
  o.max_gain = 0.0;
  o.max_gamma = 1.0;
  o.max_noise = 0.0;
  o.display_look_probability = 0.0;
  o.background_removal_probability = 0.0;
  o.range_compression_probability = 0.0;
  o.local_equalisation_probability = 0.0;
  o.tone_curve_probability = 0.0;
  return o;
}

// Only the named spatial steps: everything else switched off.
AugmentOptions nothing_spatial() {
  AugmentOptions o = spatial_only();
  o.flip_probability = 0.0;
  o.max_translation = 0.0;
  o.max_rotation_deg = 0.0;
  o.max_shear_deg = 0.0;
  o.crop_probability = 0.0;
  o.elastic_probability = 0.0;
  o.max_blur_sigma = 0.0;
  return o;
}

// Blobs of all four classes on an asymmetric layout.
cv::Mat pattern_labels(int size) {
  cv::Mat labels(size, size, CV_8UC1, cv::Scalar(label::open_beam));
  cv::ellipse(labels, {size / 2, size / 2}, {size / 3, size / 4}, 20, 0, 360,
              label::soft_tissue, cv::FILLED);
  cv::rectangle(labels, cv::Rect(size / 3, size / 3, size / 8, size / 3), label::bone, cv::FILLED);
  cv::circle(labels, {size * 2 / 3, size / 2}, size / 12, label::bone, cv::FILLED);
  cv::rectangle(labels, cv::Rect(0, 0, size, size / 12), label::collimator, cv::FILLED);
  return labels;
}

cv::Mat image_of(const cv::Mat& labels) {  // intensity = label / 4
  cv::Mat image;
  labels.convertTo(image, CV_32F, 0.25);
  return image;
}

// Fraction of the pixels away from label boundaries whose label is read back from the image.
double agreement_inside_regions(const cv::Mat& image, const cv::Mat& labels) {
  cv::Mat lo, hi;
  cv::erode(labels, lo, cv::Mat());
  cv::dilate(labels, hi, cv::Mat());
  const cv::Mat interior = (lo == hi) & (labels != label::ignore);
  cv::Mat predicted;
  image.convertTo(predicted, CV_8U, 4.0);  // rounds 0.25 * label back to label
  const double total = cv::countNonZero(interior);
  return cv::countNonZero((predicted == labels) & interior) / total;
}

TEST(Augmenter, KeepsImageAndLabelsAligned) {
  const cv::Mat labels = pattern_labels(160);
  const cv::Mat image = image_of(labels);
  for (double elastic : {0.0, 1.0}) {
    AugmentOptions o = spatial_only();
    o.elastic_probability = elastic;
    o.max_blur_sigma = 0.0;  // blur is tested for range only: it mixes on purpose
    const Augmenter augmenter(o);
    std::mt19937 rng(5);
    for (int i = 0; i < 20; ++i) {
      const auto [out_image, out_labels] = augmenter.apply(image, labels, rng);
      ASSERT_EQ(out_image.size(), image.size());
      EXPECT_GT(agreement_inside_regions(out_image, out_labels), 0.99)
          << "elastic " << elastic << " draw " << i;
    }
  }
}

TEST(Augmenter, MisalignmentIsDetected) {  // the alignment check above can fail
  const cv::Mat labels = pattern_labels(160);
  cv::Mat shifted;
  cv::warpAffine(image_of(labels), shifted, cv::Matx23d(1, 0, 6, 0, 1, 4), labels.size(),
                 cv::INTER_NEAREST, cv::BORDER_REFLECT_101);
  EXPECT_LT(agreement_inside_regions(shifted, labels), 0.95);
}

TEST(Augmenter, FlipsAreExact) {
  AugmentOptions o = nothing_spatial();
  o.flip_probability = 1.0;
  const cv::Mat labels = pattern_labels(64);
  const cv::Mat image = image_of(labels);
  std::mt19937 rng(1);
  const auto [out_image, out_labels] = Augmenter(o).apply(image, labels, rng);
  cv::Mat expected_image, expected_labels;
  cv::flip(image, expected_image, -1);
  cv::flip(labels, expected_labels, -1);
  EXPECT_LT(cv::norm(out_image, expected_image, cv::NORM_INF), 1e-5);
  EXPECT_EQ(cv::countNonZero(out_labels != expected_labels), 0);
}

TEST(Augmenter, FlipsHappenAboutHalfTheTime) {
  AugmentOptions o = nothing_spatial();
  o.flip_probability = 0.5;  // reference.md
  const cv::Mat labels = pattern_labels(32);
  const Augmenter augmenter(o);
  std::mt19937 rng(2);
  int flipped_x = 0, flipped_y = 0;
  const int draws = 400;
  for (int i = 0; i < draws; ++i) {
    const cv::Mat out = augmenter.apply(image_of(labels), labels, rng).second;
    bool matched = false;
    for (int fx : {0, 1})
      for (int fy : {0, 1}) {
        cv::Mat candidate = labels.clone();
        if (fx) cv::flip(candidate, candidate, 1);
        if (fy) cv::flip(candidate, candidate, 0);
        if (cv::countNonZero(out != candidate) > 0) continue;
        matched = true;
        flipped_x += fx;
        flipped_y += fy;
      }
    ASSERT_TRUE(matched) << "draw " << i << " is not a flip of the input";
  }
  EXPECT_NEAR(double(flipped_x) / draws, 0.5, 0.08);
  EXPECT_NEAR(double(flipped_y) / draws, 0.5, 0.08);
}

// The angle of a long bar after augmentation, from its second moments.
double bar_angle_deg(const cv::Mat& labels) {
  const cv::Moments m = cv::moments(labels == label::bone, true);
  return 0.5 * std::atan2(2 * m.mu11, m.mu20 - m.mu02) * 180.0 / M_PI;
}

TEST(Augmenter, RotationStaysWithinRange) {
  AugmentOptions o = nothing_spatial();
  o.max_rotation_deg = 15.0;  // reference.md
  cv::Mat labels(200, 200, CV_8UC1, cv::Scalar(label::soft_tissue));
  cv::rectangle(labels, cv::Rect(40, 95, 120, 10), label::bone, cv::FILLED);
  const Augmenter augmenter(o);
  std::mt19937 rng(3);
  double largest = 0.0;
  for (int i = 0; i < 60; ++i) {
    const double angle = std::abs(bar_angle_deg(augmenter.apply(image_of(labels), labels, rng).second));
    EXPECT_LE(angle, 15.5);
    largest = std::max(largest, angle);
  }
  EXPECT_GT(largest, 12.0);  // the range is used, not just respected
}

TEST(Augmenter, CropZoomsByTheReferenceAmounts) {
  AugmentOptions o = nothing_spatial();
  o.crop_probability = 1.0;  // removing 10-40 % of each side's length, reference.md
  cv::Mat labels(200, 200, CV_8UC1, cv::Scalar(label::open_beam));
  cv::rectangle(labels, cv::Rect(80, 80, 40, 40), label::bone, cv::FILLED);
  const Augmenter augmenter(o);
  std::mt19937 rng(4);
  for (int i = 0; i < 30; ++i) {
    const cv::Rect box = cv::boundingRect(augmenter.apply(image_of(labels), labels, rng).second == label::bone);
    EXPECT_GE(box.width, 40 / 0.9 - 2);
    EXPECT_LE(box.width, 40 / 0.6 + 2);
    EXPECT_GE(box.height, 40 / 0.9 - 2);
    EXPECT_LE(box.height, 40 / 0.6 + 2);
  }
}

TEST(Augmenter, LabelsOnlyTakeValidValues) {
  const cv::Mat labels = pattern_labels(128);
  for (bool reflect : {true, false}) {
    AugmentOptions o;  // everything on
    o.reflect_labels = reflect;
    o.max_rotation_deg = 40.0;  // makes sure corners fall outside the data
    const Augmenter augmenter(o);
    std::mt19937 rng(6);
    bool saw_ignore = false;
    for (int i = 0; i < 20; ++i) {
      const auto [image, out] = augmenter.apply(image_of(labels), labels, rng);
      double lo = 0, hi = 0;
      cv::minMaxLoc(image, &lo, &hi);
      EXPECT_GE(lo, 0.0);
      EXPECT_LE(hi, 1.0);
      for (int v = 0; v < 256; ++v) {
        const bool present = cv::countNonZero(out == v) > 0;
        if (!present) continue;
        if (v == label::ignore) saw_ignore = true;
        EXPECT_TRUE(v <= label::collimator || (!reflect && v == label::ignore))
            << "value " << v << " reflect " << reflect;
      }
    }
    EXPECT_EQ(saw_ignore, !reflect);
  }
}

TEST(Augmenter, SameSeedSameResultDifferentSeedDifferent) {
  const cv::Mat labels = pattern_labels(96);
  const cv::Mat image = image_of(labels);
  const Augmenter augmenter;
  auto run = [&](unsigned seed) {
    std::mt19937 rng(seed);
    return augmenter.apply(image, labels, rng);
  };
  const auto a = run(11), b = run(11), c = run(12);
  EXPECT_EQ(cv::norm(a.first, b.first, cv::NORM_INF), 0.0);
  EXPECT_EQ(cv::countNonZero(a.second != b.second), 0);
  EXPECT_GT(cv::norm(a.first, c.first, cv::NORM_INF), 0.0);
}

TEST(Augmenter, ThreadsWithTheirOwnGeneratorsMatchSequentialRuns) {
  const cv::Mat labels = pattern_labels(96);
  const cv::Mat image = image_of(labels);
  const Augmenter augmenter;
  auto run = [&](unsigned seed, cv::Mat* out) {
    std::mt19937 rng(seed);
    for (int i = 0; i < 5; ++i) *out = augmenter.apply(image, labels, rng).first;
  };
  cv::Mat sequential[2], parallel[2];
  run(1, &sequential[0]);
  run(2, &sequential[1]);
  std::thread t0(run, 1, &parallel[0]), t1(run, 2, &parallel[1]);
  t0.join();
  t1.join();
  for (int i = 0; i < 2; ++i) EXPECT_EQ(cv::norm(sequential[i], parallel[i], cv::NORM_INF), 0.0);
}

TEST(Augmenter, OffReturnsThePairUnchanged) {
  const cv::Mat labels = pattern_labels(64);
  const cv::Mat image = image_of(labels);
  std::mt19937 rng(1);
  const auto [out_image, out_labels] = Augmenter(AugmentOptions::off()).apply(image, labels, rng);
  EXPECT_EQ(cv::norm(out_image, image, cv::NORM_INF), 0.0);
  EXPECT_EQ(cv::countNonZero(out_labels != labels), 0);
}

TEST(Augmenter, RejectsMismatchedPairs) {
  std::mt19937 rng(1);
  const cv::Mat image(10, 10, CV_32FC1, cv::Scalar(0));
  EXPECT_THROW(Augmenter().apply(image, cv::Mat(9, 10, CV_8UC1), rng), Error);
  EXPECT_THROW(Augmenter().apply(cv::Mat(10, 10, CV_8UC1), cv::Mat(10, 10, CV_8UC1), rng), Error);
}

TEST(Intensity, BackgroundRemovalBlackensOnlyTheOpenBeam) {
  AugmentOptions o = spatial_only();
  o.background_removal_probability = 1.0;
  const cv::Mat labels = pattern_labels(64);
  cv::Mat image(64, 64, CV_32FC1, cv::Scalar(0.6));
  std::mt19937 rng(1);
  augment_intensity(image, labels, o, rng);
  EXPECT_EQ(cv::countNonZero(image != 0.0f & labels == label::open_beam), 0);
  EXPECT_EQ(cv::countNonZero(image == 0.0f & labels != label::open_beam), 0);
}

TEST(Intensity, VariesContrastWithinBounds) {
  const AugmentOptions o;
  cv::Mat ramp(1, 101, CV_32FC1);
  for (int i = 0; i <= 100; ++i) ramp.at<float>(i) = i / 100.0f;
  std::mt19937 rng(2);
  double smallest_change = 1.0, largest_change = 0.0;
  for (int i = 0; i < 30; ++i) {
    cv::Mat image = ramp.clone();
    augment_intensity(image, cv::Mat(), o, rng);
    double lo = 0, hi = 0;
    cv::minMaxLoc(image, &lo, &hi);
    EXPECT_GE(lo, 0.0);
    EXPECT_LE(hi, 1.0);
    const double change = cv::norm(image, ramp, cv::NORM_L1) / 101;
    smallest_change = std::min(smallest_change, change);
    largest_change = std::max(largest_change, change);
  }
  EXPECT_GT(largest_change, 0.05);
  EXPECT_LT(smallest_change, 0.1);  // bounded: a draw near identity exists
}

// Each grey-value randomisation on its own: the order of grey levels survives (a monotone
// change: bone stays brighter than soft tissue, brighter than open beam), the range stays 0..1,
// and the values do change.
TEST(Intensity, GreyValueRandomisationKeepsTheOrderOfFlatRegions) {
  const cv::Mat labels = pattern_labels(96);
  cv::Mat base;
  labels.convertTo(base, CV_32F, 0.3, 0.1);  // open beam 0.1, soft tissue 0.4, bone 0.7
  for (int which = 0; which < 2; ++which) {
    AugmentOptions o = spatial_only();
    (which == 0 ? o.range_compression_probability : o.tone_curve_probability) = 1.0;
    std::mt19937 rng(5);
    double changed = 0;
    for (int i = 0; i < 20; ++i) {
      cv::Mat image = base.clone();
      augment_intensity(image, labels, o, rng);
      double lo = 0, hi = 0;
      cv::minMaxLoc(image, &lo, &hi);
      EXPECT_GE(lo, 0.0);
      EXPECT_LE(hi, 1.0);
      const auto mean_of = [&](int l) { return cv::mean(image, labels == l)[0]; };
      EXPECT_LT(mean_of(label::open_beam), mean_of(label::soft_tissue)) << which;
      EXPECT_LT(mean_of(label::soft_tissue), mean_of(label::bone)) << which;
      changed += cv::norm(image, base, cv::NORM_L1) / base.total();
    }
    EXPECT_GT(changed / 20, 0.02) << which;
  }
}

TEST(Intensity, LocalEqualisationRaisesContrastInAFlatRegion) {
  cv::Mat image(96, 96, CV_32FC1);
  cv::RNG noise(3);
  noise.fill(image, cv::RNG::NORMAL, 0.5, 0.01);  // faint texture on mid grey
  AugmentOptions o = spatial_only();
  o.local_equalisation_probability = 1.0;
  std::mt19937 rng(4);
  cv::Mat out = image.clone();
  augment_intensity(out, cv::Mat(), o, rng);
  cv::Scalar m0, s0, m1, s1;
  cv::meanStdDev(image, m0, s0);
  cv::meanStdDev(out, m1, s1);
  EXPECT_GT(s1[0], 1.5 * s0[0]);
}

TEST(AugmentOptionsJson, RoundTripAndErrors) {
  AugmentOptions o;
  o.max_rotation_deg = 7.5;
  o.reflect_labels = false;
  o.enabled = false;
  const nlohmann::json j = o;
  const auto back = nlohmann::json::parse(j.dump()).get<AugmentOptions>();
  EXPECT_DOUBLE_EQ(back.max_rotation_deg, 7.5);
  EXPECT_FALSE(back.reflect_labels);
  EXPECT_FALSE(back.enabled);
  EXPECT_DOUBLE_EQ(back.min_crop, 0.10);
  EXPECT_DOUBLE_EQ(back.tone_curve_probability, o.tone_curve_probability);
  nlohmann::json before_randomisation = o;  // a run recorded before the grey-value options
  for (const char* added : {"range_compression_probability", "max_range_compression",
                            "local_equalisation_probability", "tone_curve_probability", "max_tone_slope"})
    before_randomisation.erase(added);
  EXPECT_DOUBLE_EQ(before_randomisation.get<AugmentOptions>().local_equalisation_probability, 0.0);
  nlohmann::json bad = o;
  bad["flip_probability"] = 1.5;
  try {
    bad.get<AugmentOptions>();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("flip_probability"), std::string::npos);
  }
}

TEST(Preview, WritesAGridOfPairs) {
  const cv::Mat labels = pattern_labels(100);
  std::mt19937 rng(8);
  const auto examples = augmented_examples(Augmenter(), image_of(labels), labels, 6, rng);
  ASSERT_EQ(examples.size(), 6u);
  const fs::path png = fs::temp_directory_path() / "xnet_augment_preview_test.png";
  write_augment_preview(png, examples, 3);
  const cv::Mat grid = cv::imread(png.string(), cv::IMREAD_COLOR);
  fs::remove(png);
  ASSERT_FALSE(grid.empty());
  EXPECT_EQ(grid.cols, 3 * (2 * 100 + 4) + 2 * 4);
  EXPECT_EQ(grid.rows, 2 * 100 + 4);
  // The untouched pair comes first: its label tile shows bone blue where the bar is.
  EXPECT_EQ(grid.at<cv::Vec3b>(50, 100 + 4 + 100 / 3 + 2), label_colour(label::bone));
}

}  // namespace
