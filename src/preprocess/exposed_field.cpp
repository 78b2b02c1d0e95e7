#include "preprocess/exposed_field.hpp"

#include <cmath>

#include <opencv2/imgproc.hpp>

namespace xnet::detail {

namespace {

constexpr float step_reach_px = 5.0f;   // the step is read this far either side of a line
constexpr double min_step = 0.2;        // of the robust range
constexpr double min_run = 0.3;         // of the image side
constexpr double min_beyond = 0.97;     // of the outer side
constexpr int max_lines = 40;           // strongest Hough lines examined

// -1 outside the image.
float value_at(const cv::Mat& m, cv::Point2f p) {
  const int x = cvRound(p.x), y = cvRound(p.y);
  if (x < 0 || y < 0 || x >= m.cols || y >= m.rows) return -1.0f;
  return m.at<float>(y, x);
}

}  // namespace

std::vector<BladeEdge> find_blade_edges(const cv::Mat& n) {
  CV_Assert(n.type() == CV_32FC1);
  cv::Mat smooth, u8, edges;
  cv::GaussianBlur(n, smooth, cv::Size(0, 0), 1.0);
  smooth.convertTo(u8, CV_8U, 255.0);
  cv::Canny(u8, edges, 100, 200, 3, true);
  const int side = std::max(n.cols, n.rows);
  std::vector<cv::Vec2f> lines;
  cv::HoughLines(edges, lines, 1, CV_PI / 180, int(0.2 * side));
  const cv::Point2f centre(n.cols / 2.0f, n.rows / 2.0f);
  std::vector<BladeEdge> blades;
  for (std::size_t li = 0; li < lines.size() && int(li) < max_lines; ++li) {
    const float rho = lines[li][0], theta = lines[li][1];
    const cv::Point2f normal0(std::cos(theta), std::sin(theta)), along(-normal0.y, normal0.x);
    const cv::Point2f p0 = normal0 * rho;
    const cv::Point2f inward = (centre - p0).dot(normal0) >= 0 ? normal0 : -normal0;
    // Steps across the line (inner side minus outer side) along its length in the image.
    std::vector<std::pair<float, float>> sides;  // (inner, outer)
    for (float t = -2.0f * side; t <= 2.0f * side; t += 1.0f) {
      const cv::Point2f p = p0 + along * t;
      const float in = value_at(smooth, p + inward * step_reach_px);
      const float out = value_at(smooth, p - inward * step_reach_px);
      if (in >= 0 && out >= 0) sides.push_back({in, out});
    }
    // Longest run of one sign of step (gaps of up to 3 px bridged).
    int best = 0, best_sign = 0, run = 0, sign = 0, gap = 0;
    for (const auto& [in, out] : sides) {
      const int s = in - out > min_step ? 1 : in - out < -min_step ? -1 : 0;
      if (s != 0 && s == sign) {
        run += 1 + gap;
        gap = 0;
      } else if (s == 0 && sign != 0 && gap < 3) {
        ++gap;
      } else {
        sign = s;
        run = s != 0;
        gap = 0;
      }
      if (sign != 0 && run > best) best = run, best_sign = sign;
    }
    if (best < min_run * side) continue;
    // The level halfway up the step, where it is a step of that sign.
    double level = 0;
    int k = 0;
    for (const auto& [in, out] : sides)
      if ((in - out) * best_sign > min_step) level += 0.5 * (in + out), ++k;
    level /= k;
    // Everything behind the blade lies beyond that level.
    int outer = 0, beyond = 0;
    for (int y = 0; y < n.rows; ++y) {
      const float* row = smooth.ptr<float>(y);
      for (int x = 0; x < n.cols; ++x) {
        if ((cv::Point2f(float(x), float(y)) - p0).dot(inward) > -3.0f) continue;
        ++outer;
        beyond += (row[x] - level) * best_sign < 0;
      }
    }
    if (outer == 0 || outer > 0.5 * double(n.total()) || beyond < min_beyond * outer) continue;
    blades.push_back({p0, inward});
  }
  return blades;
}

cv::Mat exposed_field(cv::Size size, const std::vector<BladeEdge>& blades, float margin) {
  cv::Mat field(size, CV_8U, cv::Scalar(1));
  for (const BladeEdge& b : blades)
    for (int y = 0; y < size.height; ++y) {
      std::uint8_t* row = field.ptr<std::uint8_t>(y);
      for (int x = 0; x < size.width; ++x)
        if ((cv::Point2f(float(x), float(y)) - b.point).dot(b.inward) < margin) row[x] = 0;
    }
  return field;
}

}  // namespace xnet::detail
