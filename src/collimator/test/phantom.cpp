#include "collimator/test/phantom.hpp"

#include <cmath>

#include <opencv2/imgproc.hpp>

namespace xnet::test {

std::vector<BladeEdge> rectangle_blades(cv::Point2d centre, double hw, double hh, double degrees,
                                        int sides) {
  std::vector<BladeEdge> blades;
  const double a = degrees * CV_PI / 180;
  const double half[4] = {hw, hh, hw, hh};
  for (int k = 0; k < sides; ++k) {
    const double t = a + k * CV_PI / 2;
    const cv::Point2d n(std::cos(t), std::sin(t));
    blades.push_back({n, n.dot(centre) + half[k]});
  }
  return blades;
}

Phantom make_phantom(const PhantomSpec& spec) {
  cv::RNG rng(spec.seed);
  const int W = spec.size.width, H = spec.size.height;
  const double side = std::min(W, H);

  // Thickness of soft tissue and bone (in attenuation lengths).
  cv::Mat soft = cv::Mat::zeros(spec.size, CV_32F), bone = cv::Mat::zeros(spec.size, CV_32F);
  auto blob = [&](cv::Mat& m, cv::Point2d c, double a, double b, double deg, double mu) {
    cv::Mat one = cv::Mat::zeros(spec.size, CV_32F);
    cv::ellipse(one, cv::Point(int(c.x), int(c.y)), cv::Size(int(a), int(b)), deg, 0, 360, cv::Scalar(mu), -1,
                cv::LINE_AA);
    m += one;
  };
  // Each draw its own statement: C++ leaves a call's argument order open, and GCC's and
  // clang's builds drew different phantoms from one seed (the order kept is GCC's).
  auto centre = [&] {
    const double y = rng.uniform(0.2, 0.8) * H, x = rng.uniform(0.2, 0.8) * W;
    return cv::Point2d(x, y);
  };
  for (int i = 0; i < spec.soft_blobs; ++i) {
    const double mu = rng.uniform(0.6, 1.2);
    const int deg = rng.uniform(0, 180);
    const double b = rng.uniform(0.08, 0.2) * side, a = rng.uniform(0.1, 0.3) * side;
    blob(soft, centre(), a, b, deg, mu);
  }
  for (const cv::Point2d& c : spec.anatomy_centres) blob(soft, c, 0.25 * side, 0.15 * side, 30, 1.0);
  for (int i = 0; i < spec.bone_rods; ++i) {
    const double mu = rng.uniform(0.8, 1.5);
    const int deg = rng.uniform(0, 180);
    const double b = rng.uniform(0.015, 0.04) * side, a = rng.uniform(0.1, 0.25) * side;
    blob(bone, centre(), a, b, deg, mu);
  }
  cv::GaussianBlur(soft, soft, cv::Size(0, 0), 0.02 * side);  // soft edges are never sharp
  cv::GaussianBlur(bone, bone, cv::Size(0, 0), 1.5);

  // Exposed fraction: product of the blades' penumbra ramps (1 px) and leakage beyond them.
  cv::Mat field(spec.size, CV_32F, cv::Scalar(1.0));
  for (const BladeEdge& blade : spec.blades)
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        const double s = blade.normal.dot(cv::Point2d(x + 0.5, y + 0.5)) - blade.offset;
        field.at<float>(y, x) *= float(1.0 / (1.0 + std::exp(s / 1.0)));
      }
  const double leakage = 0.02;

  // Heel effect: +-12 % across the image in a random direction.
  const double heel_angle = rng.uniform(0.0, 2 * CV_PI);
  cv::Mat primary(spec.size, CV_32F);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const double h = ((x / double(W) - 0.5) * std::cos(heel_angle) + (y / double(H) - 0.5) * std::sin(heel_angle));
      const double open = 30000.0 * (1 + 0.24 * h);
      const double transmitted = std::exp(-soft.at<float>(y, x) - bone.at<float>(y, x));
      primary.at<float>(y, x) = float(open * transmitted * (leakage + (1 - leakage) * field.at<float>(y, x)));
    }
  // Scatter: a broad blur of the exposed primary, so it reaches under the blades and decays.
  cv::Mat scatter;
  cv::GaussianBlur(primary, scatter, cv::Size(0, 0), 0.08 * side);
  cv::Mat raw = primary + 0.1 * scatter;
  // Poisson-like noise: about 300 quanta at full open beam.
  cv::Mat noise(spec.size, CV_32F);
  rng.fill(noise, cv::RNG::NORMAL, 0, 1);
  cv::Mat sigma;
  cv::sqrt(raw * 100.0, sigma);
  raw += noise.mul(sigma);
  raw = cv::max(raw, 1.0);

  Phantom out;
  if (spec.display) {
    cv::log(raw, out.pixels);
    out.pixels = 12.0 - out.pixels;
  } else {
    out.pixels = raw;
  }
  if (spec.display && spec.shutter && !spec.blades.empty()) {
    double lowest;
    cv::minMaxLoc(out.pixels, &lowest);
    const cv::Mat shielded = field < 0.5f;
    out.pixels.setTo(lowest, shielded);
  }
  out.truth = spec.blades.empty() ? whole_image_field(spec.size)
                                  : CollimatorField{true, clip_to_blades(spec.size, spec.blades)};
  return out;
}

}  // namespace xnet::test
