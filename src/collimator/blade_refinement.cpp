#include "collimator/blade_refinement.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "collimator/line_sampling.hpp"

namespace xnet {
namespace {

struct EdgePoint {
  double t, offset, weight;
};

cv::Point2d unit(cv::Point2d v) { return v / std::max(std::hypot(v.x, v.y), 1e-12); }

// Edge points along a..b: offsets across the line (positive = outward) of the brightness drop.
std::vector<EdgePoint> edge_points(const cv::Mat& image, cv::Point2d a, cv::Point2d b, cv::Point2d n,
                                   double radius, double penumbra) {
  const cv::Point2d u = unit(b - a);
  const double length = std::hypot(b.x - a.x, b.y - a.y);
  const int chunks = std::clamp(int(length / 24), 3, 64);
  constexpr double step = 0.5;
  const int samples = int(2 * radius / step) + 1;
  std::vector<double> profile(samples);
  std::vector<EdgePoint> points;
  for (int k = 0; k < chunks; ++k) {
    const double t0 = length * k / chunks, t1 = length * (k + 1) / chunks;
    std::fill(profile.begin(), profile.end(), 0.0);
    int count = 0;
    for (double t = t0; t < t1; t += 1.0, ++count) {
      const cv::Point2d p = a + u * t;
      for (int i = 0; i < samples; ++i) {
        const double d = -radius + i * step;
        profile[i] += sample_bilinear(image, p.x + d * n.x, p.y + d * n.y);
      }
    }
    if (count == 0) continue;
    // Drop per sample going outward; its strongest point and the centroid around it.
    std::vector<double> drop(samples, 0.0);
    for (int i = 1; i + 1 < samples; ++i) drop[i] = (profile[i - 1] - profile[i + 1]) / count;
    const int peak = int(std::max_element(drop.begin(), drop.end()) - drop.begin());
    if (drop[peak] <= 0) continue;
    const int window = int(std::ceil(penumbra / step));
    double sum = 0, moment = 0;
    for (int i = std::max(1, peak - window); i <= std::min(samples - 2, peak + window); ++i) {
      const double w = std::max(0.0, drop[i]);
      sum += w, moment += w * (-radius + i * step);
    }
    points.push_back({0.5 * (t0 + t1), moment / sum, sum});
  }
  return points;
}

// Weighted least squares offset = alpha + beta * t, dropping outliers (anatomy edges near the
// blade) twice.
bool fit_edge(std::vector<EdgePoint> points, double& alpha, double& beta) {
  if (points.size() < 2) return false;
  std::vector<double> weights;
  for (const EdgePoint& p : points) weights.push_back(p.weight);
  std::nth_element(weights.begin(), weights.begin() + weights.size() / 2, weights.end());
  const double weak = 0.25 * weights[weights.size() / 2];
  points.erase(std::remove_if(points.begin(), points.end(), [&](const EdgePoint& p) { return p.weight < weak; }),
               points.end());
  for (int round = 0; round < 3; ++round) {
    if (points.size() < 2) return false;
    double sw = 0, st = 0, so = 0, stt = 0, sto = 0;
    for (const EdgePoint& p : points) {
      sw += p.weight, st += p.weight * p.t, so += p.weight * p.offset;
      stt += p.weight * p.t * p.t, sto += p.weight * p.t * p.offset;
    }
    const double det = sw * stt - st * st;
    if (std::abs(det) < 1e-12) return false;
    beta = (sw * sto - st * so) / det;
    alpha = (so - beta * st) / sw;
    std::vector<double> residuals;
    for (const EdgePoint& p : points) residuals.push_back(std::abs(p.offset - alpha - beta * p.t));
    std::vector<double> sorted = residuals;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const double limit = std::max(1.0, 3 * 1.4826 * sorted[sorted.size() / 2]);
    std::vector<EdgePoint> kept;
    for (std::size_t i = 0; i < points.size(); ++i)
      if (residuals[i] <= limit) kept.push_back(points[i]);
    if (kept.size() == points.size()) break;
    points = std::move(kept);
  }
  return true;
}

}  // namespace

BladeEdge refine_blade_edge(const cv::Mat& image, cv::Point2d a, cv::Point2d b, cv::Point2d outward,
                            double working_scale) {
  cv::Point2d u = unit(b - a);
  cv::Point2d n(u.y, -u.x);
  if (n.dot(outward) < 0) n = -n;
  // Coarse pass over the working scale's uncertainty, then a fine pass around its result.
  for (double radius : {2.5 * working_scale + 4, 4.0 + 0.5 * working_scale}) {
    const double length = std::hypot(b.x - a.x, b.y - a.y);
    const std::vector<EdgePoint> points = edge_points(image, a, b, n, radius, 1.5 + 0.5 * working_scale);
    double alpha = 0, beta = 0;
    if (!fit_edge(points, alpha, beta)) break;
    const cv::Point2d a2 = a + n * alpha, b2 = b + n * (alpha + beta * length);
    a = a2, b = b2;
    u = unit(b - a);
    const cv::Point2d n2(u.y, -u.x);
    n = n2.dot(n) < 0 ? -n2 : n2;
  }
  return {n, n.dot(a)};
}

}  // namespace xnet
