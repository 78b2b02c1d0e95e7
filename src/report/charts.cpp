#include "report/charts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <tuple>

#include <plplot/plstream.h>

namespace xnet::report {
namespace {

constexpr int width = 560, height = 380;

std::pair<double, double> padded(double lo, double hi) {
  if (!(lo < hi)) return {lo - 0.5, hi + 0.5};
  const double pad = 0.04 * (hi - lo);
  return {lo - pad, hi + pad};
}

// Viewport, world window, axes, labels and title in the axis colour.
void frame(plstream& p, double x0, double x1, double y0, double y1, const char* xbox,
           const char* ybox, const std::string& title, const std::string& x_label,
           const std::string& y_label) {
  p.adv(0);
  p.vpor(0.12, 0.95, 0.13, 0.9);
  p.wind(x0, x1, y0, y1);
  p.col0(1);
  p.schr(0, 0.8);
  p.box(xbox, 0, 0, ybox, 0, 0);
  p.lab(x_label.c_str(), y_label.c_str(), title.c_str());
}

std::string format(const char* pattern, double v) {
  char buf[128];
  std::snprintf(buf, sizeof buf, pattern, v);
  return buf;
}

}  // namespace

Rgb palette(std::size_t i) {
  static const Rgb colours[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40},
                                {148, 103, 189}, {140, 86, 75}};
  return colours[i % (sizeof colours / sizeof colours[0])];
}

std::string draw_line_chart(const LineChart& chart) {
  auto y_of = [&](double y) { return chart.log_y ? std::log10(y) : y; };
  auto finite_points = [&](const Series& s) {
    std::vector<PLFLT> xs, ys;
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
      if (std::isfinite(s.x[i]) && std::isfinite(y_of(s.y[i]))) {
        xs.push_back(s.x[i]);
        ys.push_back(y_of(s.y[i]));
      }
    return std::make_pair(xs, ys);
  };
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto& s : chart.series) {
    const auto [xs, ys] = finite_points(s);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      x0 = std::min(x0, xs[i]), x1 = std::max(x1, xs[i]);
      y0 = std::min(y0, ys[i]), y1 = std::max(y1, ys[i]);
    }
  }
  if (!std::isfinite(x0)) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  std::tie(x0, x1) = padded(x0, x1);
  std::tie(y0, y1) = padded(y0, y1);
  x0 = chart.x_min.value_or(x0), x1 = chart.x_max.value_or(x1);
  if (chart.y_min) y0 = y_of(*chart.y_min);
  if (chart.y_max) y1 = y_of(*chart.y_max);

  SvgCanvas canvas(width, height);
  plstream& p = canvas.pls();
  frame(p, x0, x1, y0, y1, "bcnst", chart.log_y ? "bcnstvl" : "bcnstv", chart.title,
        chart.x_label, chart.y_label);
  if (chart.diagonal) {
    canvas.colour({170, 170, 170});
    p.lsty(2);
    p.join(0, 0, 1, 1);
    p.lsty(1);
  }
  std::vector<PLINT> opts, slots, styles;
  std::vector<PLFLT> widths;
  std::vector<const char*> names;
  for (const Series& s : chart.series) {
    const auto [xs, ys] = finite_points(s);
    const int slot = canvas.colour(s.colour);
    p.width(1.8);
    p.lsty(s.dashed ? 2 : 1);
    if (xs.size() == 1) p.poin(1, xs.data(), ys.data(), 17);  // one epoch: a dot, not nothing
    if (xs.size() > 1) p.line(PLINT(xs.size()), xs.data(), ys.data());
    p.lsty(1);
    opts.push_back(PL_LEGEND_LINE);
    slots.push_back(slot);
    styles.push_back(s.dashed ? 2 : 1);
    widths.push_back(1.8);
    names.push_back(s.name.c_str());
  }
  if (!names.empty()) {
    PLFLT legend_width, legend_height;
    const PLINT corner = PL_POSITION_INSIDE | PL_POSITION_RIGHT |
                         (chart.legend == LineChart::Legend::top_right ? PL_POSITION_TOP
                                                                       : PL_POSITION_BOTTOM);
    p.col0(1);
    p.legend(&legend_width, &legend_height, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, corner,
             0.02, 0.03, 0.08, 0, 1, 1, 0, 0, PLINT(names.size()), opts.data(), 1.0, 0.75, 1.8,
             0.0, slots.data(), names.data(), nullptr, nullptr, nullptr, nullptr, slots.data(),
             styles.data(), widths.data(), nullptr, nullptr, nullptr, nullptr);
  }
  return canvas.finish();
}

std::string draw_reliability(const std::string& title, const std::vector<ReliabilityBar>& bins) {
  SvgCanvas canvas(width, height);
  plstream& p = canvas.pls();
  frame(p, 0, 1, 0, 1, "bcnst", "bcnstv", title, "confidence", "accuracy (fraction right)");
  for (const auto& bin : bins) {
    if (!bin.accuracy || !bin.confidence) continue;
    // Accuracy bar, and the gap to the bin's mean confidence in red (over-confidence shows
    // as red above the bar, under-confidence as red inside it).
    const double inset = 0.06 * (bin.hi - bin.lo);
    const PLFLT bx[4] = {bin.lo + inset, bin.hi - inset, bin.hi - inset, bin.lo + inset};
    const PLFLT by[4] = {0, 0, *bin.accuracy, *bin.accuracy};
    canvas.colour({31, 119, 180});
    p.fill(4, bx, by);
    const PLFLT gy[4] = {*bin.accuracy, *bin.accuracy, *bin.confidence, *bin.confidence};
    canvas.colour({214, 39, 40});
    p.width(1.0);
    p.line(4, bx, gy);
    p.join(bx[0], *bin.confidence, bx[1], *bin.confidence);
  }
  canvas.colour({120, 120, 120});
  p.lsty(2);
  p.join(0, 0, 1, 1);
  p.lsty(1);
  p.col0(1);
  p.mtex("t", -1.5, 0.03, 0.0, "blue: accuracy, red: mean confidence");
  return canvas.finish();
}

std::string draw_confusion(const std::vector<std::string>& classes,
                           const std::vector<std::vector<double>>& counts) {
  const int n = int(classes.size());
  SvgCanvas canvas(width, height + 40);
  plstream& p = canvas.pls();
  p.adv(0);
  p.vpor(0.2, 0.95, 0.18, 0.9);
  p.wind(0, n, 0, n);
  p.schr(0, 0.8);
  double total = 0;
  for (const auto& row : counts)
    for (double c : row) total += c;
  for (int t = 0; t < n; ++t) {
    double row_sum = 0;
    for (double c : counts[t]) row_sum += c;
    for (int q = 0; q < n; ++q) {
      const double fraction = row_sum > 0 ? counts[t][q] / row_sum : 0;
      // White to dark blue by the row fraction; row t drawn from the top.
      const Rgb shade{int(255 - 225 * fraction), int(255 - 170 * fraction), int(255 - 75 * fraction)};
      const double y = n - 1 - t;
      const PLFLT cx[4] = {double(q), q + 1.0, q + 1.0, double(q)};
      const PLFLT cy[4] = {y, y, y + 1, y + 1};
      canvas.colour(shade);
      p.fill(4, cx, cy);
      if (fraction > 0.55)
        canvas.colour({255, 255, 255});
      else
        p.col0(1);
      const std::string count = format("%.0f", counts[t][q]);
      const std::string share = row_sum > 0 ? format("%.1f %% of row", 100 * fraction) : "-";
      p.ptex(q + 0.5, y + 0.58, 1, 0, 0.5, count.c_str());
      p.ptex(q + 0.5, y + 0.36, 1, 0, 0.5, share.c_str());
    }
  }
  p.col0(1);
  p.box("bc", 1, 0, "bc", 1, 0);
  for (int k = 0; k < n; ++k) {
    const double pos = (k + 0.5) / n;
    p.mtex("b", 1.5, pos, 0.5, classes[k].c_str());
    p.mtex("lv", 0.8, 1.0 - pos, 1.0, classes[k].c_str());
  }
  p.mtex("b", 3.2, 0.5, 0.5, "prediction");
  p.mtex("t", 1.5, 0.5, 0.5, format("Confusion matrix (rows truth; %.0f pixels)", total).c_str());
  return canvas.finish();
}

}  // namespace xnet::report
