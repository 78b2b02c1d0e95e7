#include "synth/collimator.hpp"

#include <algorithm>
#include <cmath>

namespace xnet::synth {

namespace {
double cross(cv::Point2d o, cv::Point2d a, cv::Point2d b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

double area(const std::vector<cv::Point2d>& poly) {
  double a = 0;
  for (std::size_t i = 0; i < poly.size(); ++i) {
    const cv::Point2d p = poly[i], q = poly[(i + 1) % poly.size()];
    a += p.x * q.y - q.x * p.y;
  }
  return a / 2;
}
}  // namespace

ExposedField whole_image(cv::Size size) {
  const double w = size.width, h = size.height;
  return {false, {{0, 0}, {w, 0}, {w, h}, {0, h}}};
}

std::vector<cv::Point2d> clip_to_image(const std::vector<cv::Point2d>& polygon, cv::Size size) {
  // Keep the side of each image edge where inside(p) >= 0.
  struct Edge { double nx, ny, c; };  // inside: nx*x + ny*y + c >= 0
  const Edge edges[4] = {{1, 0, 0}, {-1, 0, double(size.width)}, {0, 1, 0}, {0, -1, double(size.height)}};
  std::vector<cv::Point2d> poly = polygon;
  for (const Edge& e : edges) {
    std::vector<cv::Point2d> out;
    for (std::size_t i = 0; i < poly.size(); ++i) {
      const cv::Point2d p = poly[i], q = poly[(i + 1) % poly.size()];
      const double dp = e.nx * p.x + e.ny * p.y + e.c, dq = e.nx * q.x + e.ny * q.y + e.c;
      if (dp >= 0) out.push_back(p);
      if ((dp >= 0) != (dq >= 0)) out.push_back(p + (q - p) * (dp / (dp - dq)));
    }
    poly = std::move(out);
    if (poly.empty()) break;
  }
  return poly;
}

ExposedField random_field(Random& rng, cv::Size size, cv::Point2d centre, double chance) {
  if (rng.chance(1.0 - chance)) return whole_image(size);  // no collimation visible
  const double w = size.width, h = size.height;
  const double dy = rng.normal(0, 0.06 * h), dx = rng.normal(0, 0.06 * w);  // order: random.hpp
  const cv::Point2d c(0.5 * w + 0.5 * (centre.x - 0.5 * w) + dx, 0.5 * h + 0.5 * (centre.y - 0.5 * h) + dy);
  // Half sizes from a tight cone (cutting the anatomy) to wider than the detector.
  const double hw = rng.uniform(0.22, 0.65) * w, hh = rng.uniform(0.22, 0.65) * h;
  // Often rotated a little (collimator turned to the limb), sometimes a lot.
  const double angle = rng.chance(0.45) ? 0.0 : rng.chance(0.75) ? rng.normal(0, 6) : rng.uniform(-35, 35);
  const double ca = std::cos(angle * M_PI / 180), sa = std::sin(angle * M_PI / 180);
  std::vector<cv::Point2d> rect;
  for (auto [u, v] : {std::pair{-1, -1}, {-1, 1}, {1, 1}, {1, -1}})
    rect.push_back({c.x + ca * u * hw - sa * v * hh, c.y + sa * u * hw + ca * v * hh});
  // One orientation for every polygon: positive shoelace area (clockwise on screen).
  if (area(rect) < 0) std::reverse(rect.begin(), rect.end());
  ExposedField field{true, clip_to_image(rect, size)};
  if (area(field.polygon) >= w * h - 1e-6) return whole_image(size);
  return field;
}

cv::Mat field_mask(const ExposedField& field, cv::Size size) {
  cv::Mat mask(size, CV_8U, cv::Scalar(0));
  const auto& poly = field.polygon;
  const double sign = area(poly) >= 0 ? 1.0 : -1.0;
  for (int y = 0; y < size.height; ++y) {
    auto* row = mask.ptr<std::uint8_t>(y);
    for (int x = 0; x < size.width; ++x) {
      const cv::Point2d p(x + 0.5, y + 0.5);
      bool inside = true;
      for (std::size_t i = 0; i < poly.size() && inside; ++i)
        inside = sign * cross(poly[i], poly[(i + 1) % poly.size()], p) >= 0;
      row[x] = inside ? 1 : 0;
    }
  }
  return mask;
}

}  // namespace xnet::synth
