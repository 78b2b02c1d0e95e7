#include "synth/artefacts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/labels.hpp"

namespace xnet::synth {

namespace {

// Signal behind a transmission map: what reaches the detector above its dark level.
// Raw values stay integers in 0..65535 (a cassette's speed may push them up).
void attenuate(cv::Mat& raw, double offset, const cv::Mat& transmission) {
  cv::Mat counts;
  cv::Mat((raw - offset).mul(transmission) + offset).convertTo(counts, CV_16U);
  counts.convertTo(raw, CV_32F);
}

// A radio-opaque ruler `width` px wide from the image's bottom up, as a transmission strip
// (rows = image height): plastic, a tick every 10 mm (longer every 50 mm), a number every
// 20 mm in cm, reading upwards as on long-leg stitching rulers.
cv::Mat ruler(int height, int width, double pixel_mm, Random& rng) {
  const double plastic = rng.uniform(0.93, 0.98), mark = rng.uniform(0.3, 0.6);
  cv::Mat strip(width, height, CV_32F, cv::Scalar(plastic));  // drawn lying, turned below
  const double font = std::max(0.2, 7.0 / pixel_mm / 22.0);  // ~7 mm digits (Hershey: 22 px at 1)
  const int start = rng.integer(0, 30);
  for (int mm = 0; mm * 1.0 / pixel_mm < height; mm += 10) {
    const int x = static_cast<int>(std::lround((mm + start) / pixel_mm));
    const int len = mm % 50 == 0 ? width / 2 : width / 4;
    cv::line(strip, {x, 0}, {x, len}, cv::Scalar(mark), 1);
    if (mm % 20 == 0)
      cv::putText(strip, std::to_string(mm / 10), {x + 1, width - 2}, cv::FONT_HERSHEY_SIMPLEX, font,
                  cv::Scalar(mark), 1, cv::LINE_AA);
  }
  cv::Mat upright;
  cv::rotate(strip, upright, cv::ROTATE_90_COUNTERCLOCKWISE);  // column 0 at the bottom
  return upright;
}

}  // namespace

void add_grid_lines(cv::Mat& raw, double offset, double chance, Random& rng) {
  if (!rng.chance(chance)) return;
  const double period = rng.uniform(2.0, 4.0), depth = rng.uniform(0.01, 0.04);
  const double phase = rng.uniform(0, 2 * M_PI);
  const bool across = rng.chance(0.5);
  cv::Mat t(raw.size(), CV_32F);
  for (int y = 0; y < t.rows; ++y)
    for (int x = 0; x < t.cols; ++x)
      t.at<float>(y, x) = static_cast<float>(
          1 - depth * 0.5 * (1 + std::cos(2 * M_PI * (across ? y : x) / period + phase)));
  attenuate(raw, offset, t);
}

void stitch_cassettes(cv::Mat& raw, double offset, double pixel_mm, Random& rng) {
  const int h = raw.rows, w = raw.cols;
  cv::Mat t(raw.size(), CV_32F, cv::Scalar(1.0));
  // Cassettes of 43 cm (the long side), overlapping by a few cm: 2 or 3 over a long leg.
  const int sections = std::clamp(static_cast<int>(std::ceil(h * pixel_mm / 420.0)), 2, 3);
  int top = 0;
  for (int i = 0; i < sections; ++i) {
    const int bottom = i + 1 == sections
                           ? h
                           : std::clamp(static_cast<int>(h * (i + 1.0) / sections + rng.normal(0, 0.03 * h)), top + 1, h);
    t.rowRange(top, bottom) *= rng.uniform(0.88, 1.12);  // each cassette's speed
    if (i > 0) {  // the overlapping cassette edges: a thin line of less signal
      const int seam = rng.integer(1, 3);
      t.rowRange(top, std::min(h, top + seam)) *= rng.uniform(0.5, 0.85);
    }
    top = bottom;
  }
  // A faint radio-opaque grid plate some systems stitch against.
  if (rng.chance(0.5)) {
    const double spacing = rng.uniform(25, 50) / pixel_mm, depth = rng.uniform(0.96, 0.99);
    for (double y = rng.uniform(0, spacing); y < h; y += spacing) t.row(static_cast<int>(y)) *= depth;
    for (double x = rng.uniform(0, spacing); x < w; x += spacing) t.col(static_cast<int>(x)) *= depth;
  }
  // The ruler along one side, beside or over the leg's edge.
  const int width = std::max(6, static_cast<int>(std::lround(rng.uniform(12, 18) / pixel_mm)));
  if (width < w) {
    const int x = rng.chance(0.5) ? rng.integer(0, w / 10) : w - width - rng.integer(0, w / 10);
    cv::Mat strip = t.colRange(x, x + width);
    strip = strip.mul(ruler(h, width, pixel_mm, rng));
  }
  attenuate(raw, offset, t);
}

void add_workstation_marks(cv::Mat& display, cv::Mat& labels, Random& rng) {
  const int w = display.cols, h = display.rows;
  const double px = std::min(w, h) / 512.0;  // text sizes scale with the image
  const auto white = [&] { return cv::Scalar(rng.uniform(180, 255)); };
  // Burned-in annotations: the view, the position, a date, the technique.
  if (rng.chance(0.35)) {
    static const char* const words[] = {"AP", "PA", "STANDING", "WEIGHT BEARING", "SUPINE", "PORTABLE", "ERECT", "LAT"};
    char line[64];
    for (int i = rng.integer(1, 3); i > 0; --i) {
      switch (rng.integer(0, 2)) {
        case 0: std::snprintf(line, sizeof line, "%s", words[rng.integer(0, 7)]); break;
        case 1: {  // draws named, in a fixed order (random.hpp)
          const int day = rng.integer(1, 28), month = rng.integer(1, 12), year = rng.integer(1995, 2024);
          std::snprintf(line, sizeof line, "%04d-%02d-%02d", year, month, day);
          break;
        }
        default: {
          const int mas = rng.integer(1, 40), kv = rng.integer(50, 125);
          std::snprintf(line, sizeof line, "%d kV %d mAs", kv, mas);
          break;
        }
      }
      const double scale = px * rng.uniform(0.35, 0.7);
      const int y = rng.chance(0.5) ? rng.integer(10, std::max(11, h / 8)) : h - rng.integer(4, std::max(5, h / 8));
      const cv::Point at(rng.integer(2, std::max(3, w / 2)), y);
      cv::putText(display, line, at, cv::FONT_HERSHEY_SIMPLEX, scale, white(), std::max(1, int(std::lround(px))), cv::LINE_AA);
    }
  }
  // A lead L or R marker somewhere near an edge, over the anatomy or not, sometimes boxed.
  if (rng.chance(0.3)) {
    const std::string letter = rng.chance(0.5) ? "L" : "R";
    const double scale = px * rng.uniform(0.8, 2.0);
    const int thick = std::max(1, static_cast<int>(std::lround(px * rng.uniform(1.5, 4))));
    const int y = rng.integer(int(30 * scale), std::max(int(30 * scale) + 1, h - 4));  // random.hpp
    const cv::Point at(rng.chance(0.5) ? rng.integer(2, std::max(3, w / 6)) : w - rng.integer(int(30 * scale), int(30 * scale) + 2 + w / 6), y);
    const cv::Scalar v = white();
    cv::putText(display, letter, at, cv::FONT_HERSHEY_SIMPLEX, scale, v, thick, cv::LINE_AA);
    if (rng.chance(0.3))
      cv::rectangle(display, cv::Rect(at.x - 4, at.y - int(26 * scale), int(24 * scale) + 8, int(26 * scale) + 6), v, 1);
  }
  // Anonymisation: black boxes over a corner's patient data; what they hide is unknown.
  if (rng.chance(0.15))
    for (int i = rng.integer(1, 2); i > 0; --i) {
      const int bw = static_cast<int>(w * rng.uniform(0.08, 0.3)), bh = static_cast<int>(h * rng.uniform(0.03, 0.1));
      const int corner = rng.integer(0, 3);
      const cv::Rect box(corner % 2 ? w - bw : 0, corner / 2 ? h - bh : 0, bw, bh);
      display(box).setTo(0.0);
      labels(box).setTo(label::ignore);
    }
  // Lossy storage (teaching files, web archives): JPEG at quality 30-90.
  if (rng.chance(0.2)) {
    cv::Mat u8;
    display.convertTo(u8, CV_8U);
    std::vector<unsigned char> bytes;
    cv::imencode(".jpg", u8, bytes, {cv::IMWRITE_JPEG_QUALITY, rng.integer(30, 90)});
    cv::imdecode(bytes, cv::IMREAD_GRAYSCALE).convertTo(display, CV_32F);
  }
  cv::Mat u8;  // integers, as every image the generator stores
  display.convertTo(u8, CV_8U);
  u8.convertTo(display, CV_32F);
}

}  // namespace xnet::synth
