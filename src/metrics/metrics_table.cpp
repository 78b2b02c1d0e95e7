// The terminal table of `xnet evaluate`.
#include <cstdio>
#include <string>

#include "core/labels.hpp"
#include "metrics/metrics.hpp"

namespace xnet::metrics {
namespace {

std::string cell(const std::optional<double>& v, int width) {
  char buf[32];
  if (v)
    std::snprintf(buf, sizeof buf, "%*.4f", width, *v);
  else
    std::snprintf(buf, sizeof buf, "%*s", width, "-");
  return buf;
}

std::string text(const std::string& s, int width) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%-*s", width, s.substr(0, 120).c_str());
  return buf;
}

std::string count(std::uint64_t n, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%*llu", width, static_cast<unsigned long long>(n));
  return buf;
}

std::string figures_row(const std::string& name, const ClassFigures& c) {
  return text(name, 14) + cell(c.precision, 10) + cell(c.recall, 10) + cell(c.f1, 10) +
         cell(c.iou, 10) + cell(c.auc, 10) + count(c.support, 13) + "\n";
}

}  // namespace

std::string format_table(const Metrics& m) {
  std::string out = "images " + std::to_string(m.images) + ", pixels " + std::to_string(m.pixels()) +
                    " (label 255 left out)\n";
  out += "accuracy   " + cell(m.summary.accuracy, 0) + "   confidence " +
         cell(m.calibration.confidence(), 0) + "   ECE " + cell(m.calibration.ece(), 0) + "   MCE " +
         cell(m.calibration.mce(), 0) + "\n\n";
  out += text("class", 14) + "  precision    recall        f1       iou       auc      support\n";
  for (int k = 0; k < m.classes; ++k) out += figures_row(label::names[k], m.summary.per_class[k]);
  out += figures_row("weighted", m.summary.weighted);

  out += "\nconfusion matrix (rows truth, columns prediction)\n" + text("", 14);
  for (int k = 0; k < m.classes; ++k) out += text(label::names[k], 13);
  out += "\n";
  for (int t = 0; t < m.classes; ++t) {
    out += text(label::names[t], 14);
    for (int p = 0; p < m.classes; ++p) out += text(std::to_string(m.confusion.at(t, p)), 13);
    out += "\n";
  }

  if (!m.per_category.empty()) {
    out += "\n" + text("category", 24) + " images  accuracy  weighted f1  weighted auc\n";
    for (const auto& [name, cat] : m.per_category)
      out += text(name, 24) + count(cat.images, 7) + cell(cat.summary.accuracy, 10) +
             cell(cat.summary.weighted.f1, 13) + cell(cat.summary.weighted.auc, 14) + "\n";
  }
  return out;
}

}  // namespace xnet::metrics
