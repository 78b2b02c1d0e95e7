#pragma once
// The report's figures, drawn with PLplot (svg driver) and returned as inline <svg> elements.
#include <optional>
#include <string>
#include <vector>

#include "report/svg_canvas.hpp"

namespace xnet::report {

struct Series {
  std::string name;
  std::vector<double> x, y;  // NaN points are skipped
  Rgb colour;
  bool dashed = false;
};

struct LineChart {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  std::optional<double> x_min, x_max, y_min, y_max;  // default: fitted to the data
  bool log_y = false;
  bool diagonal = false;  // y = x reference line (ROC chance, perfect calibration)
  enum class Legend { top_right, bottom_right } legend = Legend::top_right;
};

std::string draw_line_chart(const LineChart& chart);

struct ReliabilityBar {
  double lo, hi;
  std::optional<double> confidence, accuracy;  // none: empty bin, not drawn
  double count;
};

// Bars of accuracy per confidence bin against the diagonal of perfect calibration, with the
// bins' mean confidence marked, as in Guo et al. 2017.
std::string draw_reliability(const std::string& title, const std::vector<ReliabilityBar>& bins);

// Cells shaded by the row fraction (recall), labelled with count and percentage.
std::string draw_confusion(const std::vector<std::string>& classes,
                           const std::vector<std::vector<double>>& counts);

// A palette that stays distinguishable for the few series of one chart.
Rgb palette(std::size_t i);

}  // namespace xnet::report
