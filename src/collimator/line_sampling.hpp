#pragma once
// Sampling an image along a straight line, for the collimator blade search. Coordinates are in
// the field's convention: pixel (c, r) covers [c, c+1) x [r, r+1), its centre is (c+0.5, r+0.5).
#include <opencv2/core.hpp>

#include "collimator/collimator_field.hpp"

namespace xnet {

// Bilinear value of a CV_32F image at (x, y), clamped at the border.
inline float sample_bilinear(const cv::Mat& image, double x, double y) {
  const double fx = std::min(std::max(x - 0.5, 0.0), image.cols - 1.0);
  const double fy = std::min(std::max(y - 0.5, 0.0), image.rows - 1.0);
  const int x0 = std::min(int(fx), image.cols - 2 < 0 ? 0 : image.cols - 2);
  const int y0 = std::min(int(fy), image.rows - 2 < 0 ? 0 : image.rows - 2);
  const int x1 = std::min(x0 + 1, image.cols - 1), y1 = std::min(y0 + 1, image.rows - 1);
  const float ax = float(fx - x0), ay = float(fy - y0);
  const float* r0 = image.ptr<float>(y0);
  const float* r1 = image.ptr<float>(y1);
  return (1 - ay) * ((1 - ax) * r0[x0] + ax * r0[x1]) + ay * ((1 - ax) * r1[x0] + ax * r1[x1]);
}

// Points of the line are foot + t * direction, foot = offset * normal, direction = normal
// turned by +90 degrees.
inline cv::Point2d line_direction(const BladeEdge& line) { return {-line.normal.y, line.normal.x}; }
inline cv::Point2d line_point(const BladeEdge& line, double t) {
  return line.normal * line.offset + line_direction(line) * t;
}

// The t range of the line inside the image shrunk by `margin`; false when it misses the image.
inline bool clip_line(const BladeEdge& line, cv::Size size, double margin, double& t0, double& t1) {
  const cv::Point2d foot = line.normal * line.offset, u = line_direction(line);
  t0 = -1e18, t1 = 1e18;
  const double lo[2] = {margin, margin}, hi[2] = {size.width - margin, size.height - margin};
  const double p[2] = {foot.x, foot.y}, d[2] = {u.x, u.y};
  for (int k = 0; k < 2; ++k) {
    if (std::abs(d[k]) < 1e-12) {
      if (p[k] < lo[k] || p[k] > hi[k]) return false;
      continue;
    }
    double a = (lo[k] - p[k]) / d[k], b = (hi[k] - p[k]) / d[k];
    if (a > b) std::swap(a, b);
    t0 = std::max(t0, a), t1 = std::min(t1, b);
  }
  return t1 > t0;
}

}  // namespace xnet
