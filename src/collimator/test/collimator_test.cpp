#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include <filesystem>

#include "collimator/collimator.hpp"
#include "io/radiograph.hpp"
#include "collimator/test/phantom.hpp"

namespace {

using xnet::CollimatorDetector;
using xnet::CollimatorField;
using xnet::field_iou;
using xnet::test::make_phantom;
using xnet::test::PhantomSpec;
using xnet::test::rectangle_blades;

double detected_iou(const PhantomSpec& spec, CollimatorField* detected = nullptr) {
  const auto phantom = make_phantom(spec);
  const CollimatorField field = CollimatorDetector().detect(phantom.pixels, !spec.display);
  if (detected) *detected = field;
  return field_iou(field, phantom.truth, spec.size);
}

TEST(CollimatorDetector, FindsRotatedRectangularField) {
  PhantomSpec spec;
  spec.size = {600, 520};
  spec.blades = rectangle_blades({300, 260}, 210, 170, 12);
  CollimatorField field;
  EXPECT_GE(detected_iou(spec, &field), 0.98);
  EXPECT_TRUE(field.present);
  EXPECT_EQ(field.polygon.size(), 4u);
}

TEST(CollimatorDetector, FindsFieldOfThreeBlades) {
  PhantomSpec spec;
  spec.size = {560, 560};
  spec.seed = 2;
  spec.blades = rectangle_blades({300, 280}, 200, 190, -7, 3);
  CollimatorField field;
  EXPECT_GE(detected_iou(spec, &field), 0.98);
  EXPECT_TRUE(field.present);
}

TEST(CollimatorDetector, WholeImageWithoutCollimator) {
  for (bool display : {false, true}) {
    PhantomSpec spec;
    spec.size = {500, 430};
    spec.seed = 3;
    spec.display = display;
    CollimatorField field;
    EXPECT_GE(detected_iou(spec, &field), 0.999) << "display " << display;
    EXPECT_FALSE(field.present);
    ASSERT_EQ(field.polygon.size(), 4u);
    EXPECT_EQ(field.polygon[2], cv::Point2f(500, 430));
  }
}

TEST(CollimatorDetector, AnatomyCrossingTheBladeDoesNotMoveIt) {
  PhantomSpec spec;
  spec.size = {600, 600};
  spec.seed = 4;
  spec.blades = rectangle_blades({300, 300}, 220, 200, 5);
  // Thick tissue right on the right-hand and the lower blades.
  spec.anatomy_centres = {{520, 300}, {300, 500}};
  EXPECT_GE(detected_iou(spec), 0.98);
}

TEST(CollimatorDetector, FindsFieldInDisplayPolarity) {
  PhantomSpec spec;
  spec.size = {600, 520};
  spec.seed = 5;
  spec.display = true;
  spec.blades = rectangle_blades({290, 270}, 200, 180, -20);
  EXPECT_GE(detected_iou(spec), 0.98);
}

TEST(CollimatorDetector, FindsFieldBehindElectronicShutter) {
  PhantomSpec spec;
  spec.size = {560, 500};
  spec.seed = 8;
  spec.display = true;
  spec.shutter = true;
  spec.blades = rectangle_blades({280, 250}, 190, 170, 10);
  EXPECT_GE(detected_iou(spec), 0.98);
}

// The largest distance, over the true field's corners on each blade, from the blade found
// facing the same way (infinity when none does).
std::vector<double> edge_errors(const std::vector<xnet::BladeEdge>& truth, const CollimatorField& field,
                                const std::vector<xnet::BladeEdge>& found) {
  std::vector<double> errors;
  for (const xnet::BladeEdge& t : truth) {
    double error = INFINITY;
    for (const xnet::BladeEdge& f : found) {
      if (t.normal.dot(f.normal) < std::cos(3 * CV_PI / 180)) continue;
      error = 0;
      for (const cv::Point2f& corner : field.polygon) {
        const cv::Point2d p(corner.x, corner.y);
        if (std::abs(t.normal.dot(p) - t.offset) < 1e-3) error = std::max(error, std::abs(f.normal.dot(p) - f.offset));
      }
    }
    errors.push_back(error);
  }
  return errors;
}

TEST(CollimatorDetector, DisplayEdgesWithinAPixelWhenOpenBeamAndShieldClip) {
  // Display processing as in clinical images: unsharp masking (a dark halo inside the blade,
  // a bright one beyond), then a window that clips the halo's open beam black and the shield
  // white, with a sharp step between them. The black band along the blades is not a shutter
  // (read as one, it put every edge 6-10 px inside the field).
  PhantomSpec spec;
  spec.size = {560, 520};
  spec.seed = 12;
  spec.display = true;
  spec.blades = rectangle_blades({285, 255}, 215, 190, 4);
  auto phantom = make_phantom(spec);
  cv::Mat low;
  cv::GaussianBlur(phantom.pixels, low, cv::Size(), 10);
  double open_beam, shield;
  cv::minMaxLoc(phantom.pixels, &open_beam, &shield);
  cv::Mat sharpened = phantom.pixels + 0.5 * (phantom.pixels - low);
  const double black = open_beam, white = open_beam + 0.7 * (shield - open_beam);
  cv::Mat display = (cv::min(cv::max(sharpened, black), white) - black) * (255.0 / (white - black));
  ASSERT_GT(cv::countNonZero(display <= 0), 0.01 * display.total());
  const std::vector<xnet::BladeEdge> found = CollimatorDetector().find_blades(display, false);
  const std::vector<double> errors = edge_errors(spec.blades, phantom.truth, found);
  for (std::size_t k = 0; k < errors.size(); ++k) EXPECT_LE(errors[k], 1.0) << "blade " << k;
}

TEST(CollimatorDetector, OpenBeamClippedToBlackIsNotAShutter) {
  PhantomSpec spec;
  spec.size = {520, 480};
  spec.seed = 10;
  spec.display = true;
  auto phantom = make_phantom(spec);
  // Display processing that clips the open beam (the darkest part of a display image) to black.
  double lowest, highest;
  cv::minMaxLoc(phantom.pixels, &lowest, &highest);
  cv::Mat clipped = phantom.pixels < lowest + 0.25 * (highest - lowest);
  phantom.pixels.setTo(lowest, clipped);
  ASSERT_GT(cv::countNonZero(clipped), 0.1 * phantom.pixels.total());
  EXPECT_FALSE(CollimatorDetector().detect(phantom.pixels, false).present);
}

// A display chest film as hospitals archive it: anatomy over the whole image (dark lungs either
// side of a bright mediastinum, ribs across them, bright shoulders and abdomen), no collimator,
// and black patches burned in over the name and date in the top corners. The black is the
// image's extreme, so the patches' lower edges are long straight steps with only anatomy beyond;
// read as a blade, one of them left the strip above it as the field (93 % of a real chest film
// called collimator).
TEST(CollimatorDetector, BurnedInBlackLabelsOverAnatomyAreNoBlades) {
  const cv::Size size(512, 512);
  cv::Mat display(size, CV_32F);
  cv::RNG rng(11);
  for (int y = 0; y < size.height; ++y)
    for (int x = 0; x < size.width; ++x) {
      const double u = (x - 256.0) / 256, v = (y - 256.0) / 256;
      const double lung = std::exp(-std::pow((std::abs(u) - 0.45) / 0.22, 2) - std::pow((v + 0.05) / 0.45, 2));
      const double ribs = 0.5 + 0.5 * std::sin(y * 0.12 + 3 * u * u);
      display.at<float>(y, x) = float(215 - 110 * lung + 18 * lung * ribs + 25 * std::max(0.0, v - 0.5));
    }
  cv::Mat noise(size, CV_32F);
  rng.fill(noise, cv::RNG::NORMAL, 0, 3);
  display += noise;
  display = cv::min(cv::max(display, 1.0), 254.0);
  display(cv::Rect(20, 0, 120, 36)).setTo(0);
  display(cv::Rect(400, 0, 90, 30)).setTo(0);
  const CollimatorField field = CollimatorDetector().detect(display, false);
  EXPECT_FALSE(field.present) << "field of " << cv::contourArea(field.polygon) / size.area() << " of the image";
}

TEST(CollimatorDetector, RealHandRadiographsHaveNoCollimator) {
  const std::filesystem::path dir = std::filesystem::path(XNET_SHARED_DATA_DIR) / "real-unlabelled";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " not present";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const xnet::Radiograph image = xnet::read_radiograph(entry.path());
    EXPECT_FALSE(CollimatorDetector().detect(image.pixels, false).present) << entry.path();
  }
}

TEST(CollimatorDetector, UsesNetworkCollimatorProbabilityAsSecondCue) {
  PhantomSpec spec;
  spec.size = {520, 520};
  spec.seed = 9;
  spec.blades = rectangle_blades({260, 260}, 180, 190, -15);
  const auto phantom = make_phantom(spec);
  // A network's class-3 map at its own 200 px scale: 1 outside the field, 0 inside.
  cv::Mat probability;
  xnet::field_mask(phantom.truth, spec.size).convertTo(probability, CV_32F, -1.0 / 255, 1.0);
  cv::resize(probability, probability, {200, 200}, 0, 0, cv::INTER_AREA);
  const auto field = CollimatorDetector().detect(phantom.pixels, true, probability);
  EXPECT_GE(field_iou(field, phantom.truth, spec.size), 0.98);
}

TEST(CollimatorDetector, PolygonIsInInputPixelsForOddNonSquareImages) {
  PhantomSpec spec;
  spec.size = {641, 417};
  spec.seed = 6;
  spec.blades = rectangle_blades({330, 200}, 250, 150, 8);
  CollimatorField field;
  EXPECT_GE(detected_iou(spec, &field), 0.98);
  const auto truth = make_phantom(spec).truth;
  ASSERT_EQ(field.polygon.size(), truth.polygon.size());
  for (const cv::Point2f& t : truth.polygon) {
    double nearest = 1e9;
    for (const cv::Point2f& p : field.polygon) nearest = std::min(nearest, double(cv::norm(p - t)));
    EXPECT_LT(nearest, 2.0) << "true vertex " << t;
  }
}

TEST(CollimatorDetector, MedianIouOverRandomPhantomsWithAndWithoutCollimator) {
  cv::RNG rng(7);
  std::vector<double> with, without;
  for (int i = 0; i < 16; ++i) {
    PhantomSpec spec;
    spec.size = {rng.uniform(380, 560), rng.uniform(380, 560)};
    spec.seed = 100 + i;
    spec.display = i % 2 == 1;
    const bool collimated = i % 4 != 3;
    if (collimated) {
      // Draws named in GCC's order (a call's argument order is open; phantom.cpp).
      const double cy = spec.size.height * rng.uniform(0.45, 0.55), cx = spec.size.width * rng.uniform(0.45, 0.55);
      const int sides = rng.uniform(3, 5);
      const double degrees = rng.uniform(-25.0, 25.0), hh = spec.size.height * rng.uniform(0.3, 0.42);
      const double hw = spec.size.width * rng.uniform(0.3, 0.42);
      spec.blades = rectangle_blades({cx, cy}, hw, hh, degrees, sides);
    }
    const double iou = detected_iou(spec);
    (collimated ? with : without).push_back(iou);
    std::printf("phantom %2d %dx%d %s %s: IoU %.4f\n", i, spec.size.width, spec.size.height,
                spec.display ? "display" : "raw", collimated ? "collimated" : "open", iou);
  }
  for (auto* v : {&with, &without}) {
    std::nth_element(v->begin(), v->begin() + v->size() / 2, v->end());
    EXPECT_GE((*v)[v->size() / 2], 0.98);
  }
}

TEST(CollimatorField, MaskIouAndJson) {
  const cv::Size size(10, 8);
  CollimatorField left{true, {{0, 0}, {5, 0}, {5, 8}, {0, 8}}};
  EXPECT_EQ(cv::countNonZero(xnet::field_mask(left, size)), 40);
  EXPECT_DOUBLE_EQ(field_iou(left, xnet::whole_image_field(size), size), 0.5);
  const auto json = xnet::to_json(left);
  EXPECT_EQ(json.dump(), R"({"polygon":[[0.0,0.0],[5.0,0.0],[5.0,8.0],[0.0,8.0]],"present":true})");
  EXPECT_EQ(xnet::collimator_field_from_json(json).polygon, left.polygon);
}

TEST(CollimatorField, OutsideIsLabelledCollimator) {
  cv::Mat labels(8, 10, CV_8UC1, cv::Scalar(1));
  labels.at<std::uint8_t>(4, 2) = 3;  // a network's stray collimator pixel inside the field
  xnet::apply_collimator_field(labels, {true, {{0, 0}, {5, 0}, {5, 8}, {0, 8}}});
  EXPECT_EQ(cv::countNonZero(labels == 3), 40);
  EXPECT_EQ(labels.at<std::uint8_t>(4, 2), 1);
}

}  // namespace
