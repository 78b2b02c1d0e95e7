// Film mammograms have no collimator, but two of their edges look like blades to the detector:
// the breast's curved skin line against the black background (tangents to it), and the
// straight edge of the pectoral muscle, dense and bright, in a corner (16 real film
// mammograms, 13.5 % of their pixels called collimator before these tests).
#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "collimator/collimator.hpp"

namespace {

using xnet::CollimatorDetector;
using xnet::CollimatorField;

struct MammogramSpec {
  bool pectoral = false;     // the muscle's wedge in the upper corner at the chest wall
  double background = 0.0;   // display level outside the breast (0: exactly black)
  std::uint64_t seed = 1;
};

// A display mediolateral-oblique view, 480 x 960, bright = dense: the breast a half-ellipse on
// the chest wall (the left edge), brighter towards the chest wall where it is thicker, with a
// soft skin line and fibroglandular texture; outside it the background.
cv::Mat film_mammogram(const MammogramSpec& spec) {
  const cv::Size size(480, 960);
  cv::RNG rng(spec.seed);
  cv::Mat texture(size, CV_32F);
  rng.fill(texture, cv::RNG::NORMAL, 0, 1);
  cv::GaussianBlur(texture, texture, cv::Size(), 4);
  texture *= 40.0 / std::max(1e-6, cv::norm(texture, cv::NORM_INF));
  cv::Mat noise(size, CV_32F);
  rng.fill(noise, cv::RNG::NORMAL, 0, 2.0);
  cv::Mat image(size, CV_32F);
  for (int y = 0; y < size.height; ++y)
    for (int x = 0; x < size.width; ++x) {
      const double u = (x + 0.5) / 340, v = (y + 0.5 - 500) / 430;
      const double r = std::sqrt(u * u + v * v);  // 1 on the skin line
      const double tissue = std::clamp((1 - r) * 40, 0.0, 1.0);  // a skin line ~10 px wide
      double value = spec.background * (1 - tissue) +
                     tissue * (90 + 70 * std::sqrt(std::max(0.0, 1 - r * r)) + texture.at<float>(y, x));
      // The muscle: beyond a straight edge from (230, 0) to (0, 420), brighter towards the
      // corner as it thickens, textured like the gland.
      const double beyond = (x + 0.5) / 230 + (y + 0.5) / 420 - 1;
      if (spec.pectoral && beyond < 0) {
        const double depth = std::min(1.0, -beyond * 4);
        value = (1 - depth) * value + depth * (185 + 45 * std::min(1.0, -beyond * 1.5) + 0.6 * texture.at<float>(y, x));
      }
      // Film grain and quantum noise where there is tissue (and on a background that is not
      // clipped to black): the faint skin line is ragged at the pixel scale.
      image.at<float>(y, x) = float(value + (spec.background > 0 ? 1.0 : tissue) * noise.at<float>(y, x));
    }
  return cv::min(cv::max(image, 0.0), 255.0);
}

std::string described(const CollimatorField& field) {
  return "a field of " + std::to_string(cv::contourArea(field.polygon) / (480.0 * 960.0)) + " of the image";
}

// The black background is the display's minimum, so it is a candidate electronic shutter, and
// lines tangent to the skin line bound a polygon that hugs the breast. A shutter's black ends
// on its straight edges; here it ends on a curve.
TEST(CollimatorDetector, BreastOnBlackBackgroundIsNoShutter) {
  for (const std::uint64_t seed : {1, 2, 3}) {
    const CollimatorField field = CollimatorDetector().detect(film_mammogram({false, 0.0, seed}), false);
    EXPECT_FALSE(field.present) << "seed " << seed << ": " << described(field);
  }
}

// Inverted for the search, the black background is the brightest level, so the bright muscle
// passes for a shield beyond its straight edge; but beyond a blade the shield is flat, while
// the muscle thickens away from its edge.
TEST(CollimatorDetector, PectoralMuscleEdgeIsNoBlade) {
  for (const double background : {0.0, 14.0}) {
    const CollimatorField field = CollimatorDetector().detect(film_mammogram({true, background, 4}), false);
    EXPECT_FALSE(field.present) << "background " << background << ": " << described(field);
  }
}

// The same film taken as raw (the breast as open beam, the dark background as the shield):
// the skin line's tangents still border the field only where they touch the curve.
TEST(CollimatorDetector, BreastSkinLineIsNoBladeInRawImage) {
  for (const double background : {0.0, 14.0}) {
    const CollimatorField field = CollimatorDetector().detect(film_mammogram({true, background, 5}), true);
    EXPECT_FALSE(field.present) << "background " << background << ": " << described(field);
  }
}

}  // namespace
