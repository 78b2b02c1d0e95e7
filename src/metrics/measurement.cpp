#include "metrics/measurement.hpp"

#include <algorithm>
#include <cstdio>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/labels.hpp"
#include "postprocess/overlay.hpp"
#include "io/png_file.hpp"

namespace fs = std::filesystem;

namespace xnet::metrics {

ImageScore score_image(const cv::Mat& truth, const cv::Mat& predicted, int classes) {
  CV_Assert(truth.type() == CV_8UC1 && predicted.type() == CV_8UC1 && truth.size() == predicted.size());
  ConfusionMatrix confusion(classes);
  for (int y = 0; y < truth.rows; ++y) {
    const std::uint8_t* t = truth.ptr<std::uint8_t>(y);
    const std::uint8_t* p = predicted.ptr<std::uint8_t>(y);
    for (int x = 0; x < truth.cols; ++x)
      if (t[x] < classes && p[x] < classes) confusion.at(t[x], p[x]) += 1;
  }
  const Summary s = summarize(confusion, {});
  return {s.accuracy.value_or(1.0), s.weighted.f1.value_or(s.accuracy ? 0.0 : 1.0)};
}

Measurement::Measurement(int classes, int examples, double boundary_tolerance_px)
    : examples_(std::max(0, examples)), metrics_(classes), boundary_(classes, boundary_tolerance_px) {}

void Measurement::keep(std::vector<Example>& list, const Example& e, bool best) {
  // Ties: the image seen first stays ahead (upper_bound).
  const auto better = [best](const Example& a, const Example& b) {
    if (a.score.weighted_f1 != b.score.weighted_f1)
      return best ? a.score.weighted_f1 > b.score.weighted_f1 : a.score.weighted_f1 < b.score.weighted_f1;
    return best ? a.score.accuracy > b.score.accuracy : a.score.accuracy < b.score.accuracy;
  };
  list.insert(std::upper_bound(list.begin(), list.end(), e, better), e);
  if (static_cast<int>(list.size()) > examples_) list.pop_back();
}

void Measurement::add(const SegmentedImage& image, const std::vector<cv::Mat>& probabilities) {
  metrics_.add(image.truth, image.predicted, probabilities, image.category);
  boundary_.add(image.truth, image.predicted, image.mm_per_pixel);
  if (examples_ == 0) return;
  if (image.gray8.type() != CV_8UC1 || image.gray8.size() != image.truth.size())
    throw Error("evaluation of " + image.name + ": the shown image must be 8-bit gray, the size of its labels");
  const Example e{image, score_image(image.truth, image.predicted, metrics_.classes())};
  keep(best_, e, true);
  keep(worst_, e, false);
}

namespace {

// Where prediction and truth differ, red on the gray image (pixels not labelled never count).
cv::Mat error_map(const SegmentedImage& image) {
  cv::Mat shown;
  cv::merge(std::vector<cv::Mat>(3, image.gray8), shown);
  shown.setTo(cv::Scalar(0, 0, 255), (image.truth != image.predicted) & (image.truth != label::ignore));
  return shown;
}

}  // namespace

namespace {
nlohmann::json value(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
}  // namespace

nlohmann::json Measurement::json() const {
  nlohmann::json metrics = to_json(metrics_.result());
  const auto figures = boundary_.result();
  for (std::size_t k = 0; k < figures.size(); ++k) {
    auto& c = metrics["per_class"][label::names[k]];
    c["boundary_f1"] = value(figures[k].f1);
    c["boundary_precision"] = value(figures[k].precision);
    c["boundary_recall"] = value(figures[k].recall);
    c["hd95_px"] = value(figures[k].hd95_px);
    c["hd95_mm"] = value(figures[k].hd95_mm);
  }
  metrics["boundary_tolerance_px"] = boundary_.tolerance_px();
  return metrics;
}

std::string Measurement::table() const {
  std::string out = format_table(metrics_.result());
  char line[160];
  std::snprintf(line, sizeof line, "\nboundaries (tolerance %.3g px)  %-9s %-9s %-9s %-9s %s\n", boundary_.tolerance_px(),
                "F1", "precision", "recall", "HD95 px", "HD95 mm");
  out += line;
  const auto cell = [](const std::optional<double>& v, const char* format) {
    char buf[32];
    if (!v) return std::string("-");
    std::snprintf(buf, sizeof buf, format, *v);
    return std::string(buf);
  };
  const auto figures = boundary_.result();
  for (std::size_t k = 0; k < figures.size(); ++k) {
    std::snprintf(line, sizeof line, "  %-28s %-9s %-9s %-9s %-9s %s\n", label::names[k].c_str(),
                  cell(figures[k].f1, "%.3f").c_str(), cell(figures[k].precision, "%.3f").c_str(),
                  cell(figures[k].recall, "%.3f").c_str(), cell(figures[k].hd95_px, "%.2f").c_str(),
                  cell(figures[k].hd95_mm, "%.2f").c_str());
    out += line;
  }
  return out;
}

nlohmann::json Measurement::write(const fs::path& out) const {
  const nlohmann::json metrics = json();
  ensure_directory(out);
  write_text_atomically(out / "metrics.json", metrics.dump(2) + "\n");
  if (examples_ == 0) return metrics;
  const fs::path dir = out / "examples";
  ensure_directory(dir);
  for (const auto& [kind, list] : {std::pair{"best", &best_}, std::pair{"worst", &worst_}}) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const Example& e = (*list)[i];
      const std::string prefix = (dir / (std::string(kind) + "_" + std::to_string(i + 1))).string();
      write_png(prefix + "_image.png", e.image.gray8);
      write_png(prefix + "_truth.png", colour_overlay(e.image.gray8, e.image.truth));
      write_png(prefix + "_prediction.png", colour_overlay(e.image.gray8, e.image.predicted));
      write_png(prefix + "_errors.png", error_map(e.image));
      const nlohmann::json caption = {{"image", e.image.name},
                                      {"category", e.image.category},
                                      {"accuracy", e.score.accuracy},
                                      {"weighted_f1", e.score.weighted_f1}};
      write_text_atomically(prefix + ".json", caption.dump(2) + "\n");
    }
  }
  return metrics;
}

}  // namespace xnet::metrics
