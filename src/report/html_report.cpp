#include "report/html_report.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/labels.hpp"
#include "postprocess/overlay.hpp"
#include "report/charts.hpp"

namespace xnet::report {
namespace {

using nlohmann::json;

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string not_available(const std::string& why) {
  return "<p class=\"missing\">not available: " + escape(why) + "</p>\n";
}

std::string section(const std::string& id, const std::string& title, const std::string& body) {
  return "<section id=\"" + id + "\">\n<h2>" + escape(title) + "</h2>\n" + body + "</section>\n";
}

// PLplot names its clip paths the same in every SVG; inline in one page they must differ.
std::string figure(std::string svg) {
  static int counter = 0;
  const std::string prefix = "f" + std::to_string(counter++) + "_";
  for (const std::string from : {"id=\"", "url(#", "href=\"#"}) {
    for (std::size_t pos = svg.find(from); pos != std::string::npos; pos = svg.find(from, pos)) {
      svg.insert(pos + from.size(), prefix);
      pos += from.size() + prefix.size();
    }
  }
  return "<figure>" + svg + "</figure>\n";
}

// A number from the JSON, none for null, missing or not a number.
std::optional<double> number(const json& j, const std::string& key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return std::nullopt;
  return j[key].get<double>();
}

std::string cell(const std::optional<double>& v, const char* pattern = "%.4f") {
  if (!v) return "<td class=\"null\">&ndash;</td>";
  char buf[48];
  std::snprintf(buf, sizeof buf, pattern, *v);
  return std::string("<td>") + buf + "</td>";
}

std::vector<double> json_numbers(const json& j) {
  std::vector<double> v;
  if (j.is_array())
    for (const auto& x : j) v.push_back(x.is_number() ? x.get<double>() : std::nan(""));
  return v;
}

std::vector<std::string> class_names(const json& m) {
  std::vector<std::string> names;
  if (m.contains("classes") && m["classes"].is_array())
    for (const auto& c : m["classes"])
      if (c.is_string()) names.push_back(c.get<std::string>());
  return names;
}

std::string summary(const RunFolder& run) {
  std::string body = "<p>Run folder: <code>" + escape(run.path.string()) + "</code></p>\n";
  if (!run.metrics) return body + not_available(run.metrics_missing);
  const json& m = *run.metrics;
  const json cal = m.value("calibration", json::object());
  const json w = m.value("weighted", json::object());
  body += "<table><tr><th>images</th><th>pixels</th><th>accuracy</th><th>weighted F1</th>"
          "<th>weighted AUC</th><th>confidence</th><th>ECE</th><th>MCE</th></tr><tr>" +
          cell(number(m, "images"), "%.0f") + cell(number(m, "pixels"), "%.0f") +
          cell(number(m, "accuracy")) + cell(number(w, "f1")) + cell(number(w, "auc")) +
          cell(number(cal, "confidence")) + cell(number(cal, "ece")) + cell(number(cal, "mce")) +
          "</tr></table>\n";
  return body;
}

std::string learning_curves(const RunFolder& run) {
  if (!run.history) return not_available(run.history_missing);
  const History& h = *run.history;
  const std::vector<double>* epoch = h.column("epoch");
  if (!epoch) return not_available("history.csv has no epoch column");
  struct Panel {
    std::string title, y_label;
    std::vector<std::string> columns;
    bool log_y;
    LineChart::Legend legend;
  };
  const Panel panels[] = {
      {"Loss", "loss", {"train_loss", "val_loss"}, false, LineChart::Legend::top_right},
      {"Validation", "fraction", {"val_accuracy", "val_weighted_f1"}, false,
       LineChart::Legend::bottom_right},
      {"Learning rate", "learning rate", {"lr"}, true, LineChart::Legend::top_right},
      {"Time per epoch", "seconds", {"seconds"}, false, LineChart::Legend::top_right}};
  std::string body;
  for (const Panel& panel : panels) {
    LineChart chart;
    chart.title = panel.title, chart.x_label = "epoch", chart.y_label = panel.y_label;
    chart.log_y = panel.log_y;
    chart.legend = panel.legend;
    for (const auto& name : panel.columns)
      if (const auto* column = h.column(name))
        chart.series.push_back({name, *epoch, *column, palette(chart.series.size())});
    if (chart.series.empty())
      body += not_available(panel.title + ": history.csv has no column " + panel.columns[0]);
    else
      body += figure(draw_line_chart(chart));
  }
  return body;
}

std::string per_class(const RunFolder& run) {
  if (!run.metrics) return not_available(run.metrics_missing);
  const json& m = *run.metrics;
  const json pc = m.value("per_class", json::object());
  // Boundary columns where the metrics have them (metrics/measurement.hpp; older runs do not).
  const auto tolerance = number(m, "boundary_tolerance_px");
  std::string body =
      "<table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>IoU</th>"
      "<th>ROC AUC</th><th>support (pixels)</th>" +
      std::string(tolerance ? "<th>boundary F1</th><th>HD95 (px)</th><th>HD95 (mm)</th>" : "") + "</tr>\n";
  auto row = [&](const std::string& name, const json& c, bool boundary) {
    std::string r = "<tr><th>" + escape(name) + "</th>" + cell(number(c, "precision")) +
                    cell(number(c, "recall")) + cell(number(c, "f1")) + cell(number(c, "iou")) +
                    cell(number(c, "auc")) + cell(number(c, "support"), "%.0f");
    if (tolerance)
      r += boundary ? cell(number(c, "boundary_f1")) + cell(number(c, "hd95_px"), "%.2f") +
                          cell(number(c, "hd95_mm"), "%.2f")
                    : "<td></td><td></td><td></td>";
    return r + "</tr>\n";
  };
  for (const auto& name : class_names(m)) body += row(name, pc.value(name, json::object()), true);
  body += row("support-weighted", m.value("weighted", json::object()), false);
  std::string note = "&ndash; = does not exist (class absent from the truth, or never predicted).";
  if (tolerance) {
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  " Boundary F1: a boundary pixel is right within %.3g px of the other side&rsquo;s; "
                  "HD95: the 95th-percentile boundary distance; both at the resolution measured "
                  "(training: the network&rsquo;s input; <code>xnet evaluate</code>: the radiograph&rsquo;s).",
                  *tolerance);
    note += buf;
  }
  return body + "</table>\n<p class=\"note\">" + note + "</p>\n";
}

std::string confusion_matrix(const RunFolder& run) {
  if (!run.metrics) return not_available(run.metrics_missing);
  const json& m = *run.metrics;
  const std::vector<std::string> names = class_names(m);
  if (!m.contains("confusion_matrix") || !m["confusion_matrix"].is_array() ||
      m["confusion_matrix"].size() != names.size())
    return not_available("metrics.json has no confusion_matrix matching its classes");
  std::vector<std::vector<double>> counts;
  for (const auto& row : m["confusion_matrix"]) {
    counts.push_back(json_numbers(row));
    if (counts.back().size() != names.size())
      return not_available("metrics.json: a confusion_matrix row has the wrong length");
  }
  return figure(draw_confusion(names, counts));
}

std::string roc(const RunFolder& run) {
  if (!run.metrics) return not_available(run.metrics_missing);
  const json& m = *run.metrics;
  if (!m.contains("roc")) return not_available("metrics.json has no \"roc\" curves");
  LineChart chart;
  chart.title = "ROC, one class against the rest (pixels)";
  chart.x_label = "false-positive rate", chart.y_label = "true-positive rate";
  chart.x_min = chart.y_min = 0.0;
  chart.x_max = chart.y_max = 1.0;
  chart.diagonal = true;
  chart.legend = LineChart::Legend::bottom_right;
  std::string absent;
  const std::vector<std::string> names = class_names(m);
  for (std::size_t k = 0; k < names.size(); ++k) {
    const json curve = m["roc"].value(names[k], json::object());
    std::vector<double> fpr = json_numbers(curve.value("fpr", json::array()));
    std::vector<double> tpr = json_numbers(curve.value("tpr", json::array()));
    if (fpr.empty()) {
      absent += " " + names[k];
      continue;
    }
    const auto auc = number(m.value("per_class", json::object()).value(names[k], json::object()), "auc");
    char label[96];
    std::snprintf(label, sizeof label, "%s (AUC %.4f)", names[k].c_str(), auc.value_or(std::nan("")));
    chart.series.push_back({label, fpr, tpr, palette(k)});
  }
  if (chart.series.empty()) return not_available("metrics.json holds no ROC points");
  std::string body = figure(draw_line_chart(chart));
  if (!absent.empty()) body += not_available("ROC of" + absent + " (no pixels of the class, or of the rest)");
  return body;
}

std::vector<ReliabilityBar> bars(const json& diagram) {
  std::vector<ReliabilityBar> out;
  for (const auto& b : diagram.value("bins", json::array()))
    out.push_back({number(b, "lo").value_or(0), number(b, "hi").value_or(0), number(b, "confidence"),
                   number(b, "accuracy"), number(b, "count").value_or(0)});
  return out;
}

std::string reliability(const RunFolder& run) {
  if (!run.metrics) return not_available(run.metrics_missing);
  const json& m = *run.metrics;
  std::string body;
  auto title = [](const std::string& what, const json& d) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s: ECE %.4f, MCE %.4f", what.c_str(),
                  number(d, "ece").value_or(std::nan("")), number(d, "mce").value_or(std::nan("")));
    return std::string(buf);
  };
  if (m.contains("calibration") && m["calibration"].contains("bins"))
    body += figure(draw_reliability(title("Top class (max probability)", m["calibration"]),
                                    bars(m["calibration"])));
  else
    body += not_available("metrics.json has no calibration bins");
  if (!m.contains("reliability")) return body + not_available("metrics.json has no per-class \"reliability\"");
  body += "<p class=\"note\">Per class, one against the rest: confidence p(class), accuracy = "
          "fraction of pixels of that class.</p>\n";
  for (const auto& name : class_names(m)) {
    const json d = m["reliability"].value(name, json::object());
    if (d.contains("bins"))
      body += figure(draw_reliability(title(name, d), bars(d)));
    else
      body += not_available("reliability of " + name);
  }
  return body;
}

std::string per_category(const RunFolder& run) {
  if (!run.metrics) return not_available(run.metrics_missing);
  const json& m = *run.metrics;
  if (!m.contains("per_category") || !m["per_category"].is_object() || m["per_category"].empty())
    return not_available("metrics.json has no per_category figures");
  std::string body =
      "<table><tr><th>category</th><th>images</th><th>pixels</th><th>accuracy</th>"
      "<th>weighted precision</th><th>weighted recall</th><th>weighted F1</th>"
      "<th>weighted IoU</th><th>weighted AUC</th></tr>\n";
  for (const auto& [name, c] : m["per_category"].items()) {
    const json w = c.value("weighted", json::object());
    body += "<tr><th>" + escape(name) + "</th>" + cell(number(c, "images"), "%.0f") +
            cell(number(c, "pixels"), "%.0f") + cell(number(c, "accuracy")) +
            cell(number(w, "precision")) + cell(number(w, "recall")) + cell(number(w, "f1")) +
            cell(number(w, "iou")) + cell(number(w, "auc")) + "</tr>\n";
  }
  return body + "</table>\n";
}

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// "hand: images/hand_003.png, accuracy 0.912, weighted F1 0.905" from an example's JSON.
std::string example_caption(const nlohmann::json& caption) {
  std::string text = caption.value("category", std::string("?")) + ": " +
                     caption.value("image", std::string("?"));
  for (const auto& [key, name] : {std::pair{"accuracy", "accuracy"}, std::pair{"weighted_f1", "weighted F1"}}) {
    if (const auto v = number(caption, key)) {
      char buf[64];
      std::snprintf(buf, sizeof buf, ", %s %.3f", name, *v);
      text += buf;
    }
  }
  return text;
}

std::string examples(const RunFolder& run) {
  if (run.examples.empty()) return not_available(run.examples_missing);
  // The overlay's own colours (postprocess/overlay.hpp), so the legend cannot drift from the images.
  std::string legend;
  for (const auto& [value, name] : {std::pair{label::open_beam, "open beam"}, std::pair{label::soft_tissue, "soft tissue"},
                                    std::pair{label::bone, "bone"}, std::pair{label::collimator, "collimator"}}) {
    const cv::Vec3b bgr = label_colour(value);
    char swatch[96];
    std::snprintf(swatch, sizeof swatch, "<span class=\"swatch\" style=\"background:#%02x%02x%02x\"></span> ",
                  bgr[2], bgr[1], bgr[0]);
    legend += swatch + std::string(name) + " ";
  }
  std::string body =
      "<p class=\"note\">Training's test images at the network's input size, as the network saw "
      "them; those of <code>xnet evaluate</code> at full resolution. Truth and prediction are "
      "tinted: " + legend + "(pixels not labelled left untinted); errors: wrong pixels in red.</p>\n";
  for (const Example& e : run.examples) {
    body += "<div class=\"example\"><h3>" + escape(e.kind) + " #" + std::to_string(e.rank) + "</h3>\n";
    if (e.caption) body += "<p class=\"caption\">" + escape(example_caption(*e.caption)) + "</p>\n";
    body += "<div class=\"panels\">";
    for (const char* panel : {"image", "truth", "prediction", "errors"}) {
      body += "<div class=\"panel\"><div>" + std::string(panel) + "</div>";
      const auto it = e.panels.find(panel);
      if (it == e.panels.end())
        body += not_available(std::string(panel) + " image missing");
      else
        body += "<img alt=\"" + escape(e.kind + " " + panel) + "\" src=\"data:image/png;base64," +
                base64(read_bytes(it->second)) + "\">";
      body += "</div>";
    }
    body += "</div></div>\n";
  }
  return body;
}

const char* style = R"(<style>
body { font-family: sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
section { margin-bottom: 2.5em; }
figure { display: inline-block; margin: 0.5em; }
figure svg { max-width: 100%; height: auto; width: 560px; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th:first-child { text-align: left; }
td.null { color: #999; text-align: center; }
.missing { color: #a33; font-style: italic; }
.note, .caption { color: #555; font-size: 0.9em; }
.panels { display: flex; gap: 0.5em; flex-wrap: wrap; }
.panel { flex: 1 1 22%; min-width: 180px; font-size: 0.9em; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border: 1px solid #888; vertical-align: middle; }
.panel img { width: 100%; image-rendering: pixelated; border: 1px solid #ccc; }
</style>
)";

}  // namespace

std::string base64(const std::string& bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 3; ++k)
      v = v << 8 | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k) out += k <= n ? alphabet[(v >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

// The network against the classical baseline (issue 21): on the same images, under lower
// doses and blur, and on body parts held out of training.
std::string comparison(const RunFolder& run) {
  if (!run.baseline_metrics && !run.robustness && !run.cv) return not_available(run.comparison_missing);
  std::string out;
  const auto f1_of = [](const json& m) { return m.is_object() ? number(m.value("weighted", json::object()), "f1") : std::nullopt; };
  if (run.baseline_metrics && run.metrics) {
    out += "<h3>Same images</h3>\n<table><tr><th>class</th><th>network F1</th><th>baseline F1</th></tr>\n";
    for (const auto& name : class_names(*run.metrics)) {
      const auto network = number((*run.metrics)["per_class"].value(name, json::object()), "f1");
      const auto baseline = number((*run.baseline_metrics)["per_class"].value(name, json::object()), "f1");
      out += "<tr><td>" + escape(name) + "</td>" + cell(network) + cell(baseline) + "</tr>\n";
    }
    out += "<tr><td>weighted</td>" + cell(f1_of(*run.metrics)) + cell(f1_of(*run.baseline_metrics)) + "</tr></table>\n";
  }
  if (run.robustness && (*run.robustness)["levels"].is_array()) {
    LineChart noise{"Weighted F1 at lower doses", "added noise (x the data's own)", "weighted F1", {}};
    LineChart blur{"Weighted F1 under blur", "blur sigma (px at a 512 px side)", "weighted F1", {}};
    Series nm{"network", {}, {}, palette(0)}, nb{"baseline", {}, {}, palette(1), true};
    Series bm = nm, bb = nb;
    // Smoothness and connectedness (the original work's first claim) against the dose.
    LineChart boundary{"Boundary length / truth's at lower doses", "added noise (x the data's own)", "ratio", {}};
    LineChart regions{"Bone regions per image at lower doses", "added noise (x the data's own)", "regions", {}};
    Series rm = nm, rb = nb, rt{"truth", {}, {}, palette(2)};
    Series cm = nm, cb = nb;
    std::string rows;
    for (const auto& level : (*run.robustness)["levels"]) {
      const bool is_blur = !level.contains("dose");
      const auto value = number(level, is_blur ? "blur" : "noise").value_or(0);
      const auto m = number(level["model"], "weighted_f1"), b = number(level["baseline"], "weighted_f1");
      for (auto* s : is_blur ? std::vector<Series*>{&bm, &bb} : std::vector<Series*>{&nm, &nb}) s->x.push_back(value);
      (is_blur ? bm : nm).y.push_back(m.value_or(std::nan("")));
      (is_blur ? bb : nb).y.push_back(b.value_or(std::nan("")));
      if (!is_blur && value == 0) {  // the undegraded level starts both curves
        bm.x.push_back(0), bb.x.push_back(0);
        bm.y.push_back(m.value_or(std::nan(""))), bb.y.push_back(b.value_or(std::nan("")));
      }
      const auto parts = [&](const json& method) {
        return number(method.value("components_per_image", json::object()), "bone");
      };
      if (!is_blur) {
        const auto truth_parts = number(level.value("truth_components_per_image", json::object()), "bone");
        for (auto* s : {&rm, &rb, &rt, &cm, &cb}) s->x.push_back(value);
        rm.y.push_back(number(level["model"], "boundary_ratio").value_or(std::nan("")));
        rb.y.push_back(number(level["baseline"], "boundary_ratio").value_or(std::nan("")));
        cm.y.push_back(parts(level["model"]).value_or(std::nan("")));
        cb.y.push_back(parts(level["baseline"]).value_or(std::nan("")));
        rt.y.push_back(truth_parts.value_or(std::nan("")));
      }
      char label[64];
      std::snprintf(label, sizeof label, is_blur ? "blur %.2g" : "dose %.2g", is_blur ? value : number(level, "dose").value_or(1));
      rows += std::string("<tr><td>") + label + "</td>" + cell(m) + cell(b) + cell(number(level["model"], "boundary_ratio"), "%.2f") +
              cell(number(level["baseline"], "boundary_ratio"), "%.2f") + cell(parts(level["model"]), "%.1f") +
              cell(parts(level["baseline"]), "%.1f") +
              cell(number(level.value("truth_components_per_image", json::object()), "bone"), "%.1f") + "</tr>\n";
    }
    noise.series = {nm, nb};
    blur.series = {bm, bb};
    noise.legend = blur.legend = LineChart::Legend::bottom_right;
    boundary.series = {rm, rb};
    regions.series = {cm, cb, rt};
    out += "<h3>Robustness</h3>\n" + figure(draw_line_chart(noise)) + figure(draw_line_chart(blur)) +
           figure(draw_line_chart(boundary)) + figure(draw_line_chart(regions));
    out += "<table><tr><th>level</th><th>network F1</th><th>baseline F1</th><th>network boundary / truth</th>"
           "<th>baseline boundary / truth</th><th>network bone regions / image</th><th>baseline bone regions / image</th>"
           "<th>truth bone regions / image</th></tr>\n" + rows + "</table>\n";
  }
  if (run.cv && run.cv->value("mode", "") == "leave-category-out" && (*run.cv)["per_fold"].is_array()) {
    out += "<h3>Body parts never seen in training</h3>\n<table><tr><th>held-out category</th><th>network F1</th>"
           "<th>baseline F1</th></tr>\n";
    for (const auto& fold : (*run.cv)["per_fold"]) {
      const std::string category = fold.value("category", "");
      std::optional<double> baseline;
      if (run.baseline_metrics && (*run.baseline_metrics)["per_category"].contains(category))
        baseline = f1_of((*run.baseline_metrics)["per_category"][category]);
      out += "<tr><td>" + escape(category) + "</td>" + cell(number(fold, "weighted_f1")) + cell(baseline) + "</tr>\n";
    }
    out += "</table>\n";
  }
  if (!run.comparison_missing.empty()) out += not_available(run.comparison_missing);
  return out;
}

std::string render_report(const RunFolder& run) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>xnet report: " +
                     escape(run.path.filename().string()) + "</title>\n" + style + "</head><body>\n";
  html += "<h1>xnet report: " + escape(run.path.filename().string()) + "</h1>\n";
  html += section("summary", "Summary (test split)", summary(run));
  html += section("learning-curves", "Learning curves", learning_curves(run));
  html += section("per-class", "Per class", per_class(run));
  html += section("confusion-matrix", "Confusion matrix", confusion_matrix(run));
  html += section("roc", "ROC curves", roc(run));
  html += section("reliability", "Reliability diagrams (15 bins)", reliability(run));
  html += section("per-category", "Per category", per_category(run));
  html += section("examples", "Best and worst test images", examples(run));
  html += section("comparison", "Comparison with the classical baseline", comparison(run));
  return html + "</body></html>\n";
}

std::filesystem::path write_report(const std::filesystem::path& run, std::filesystem::path out) {
  const RunFolder folder = read_run_folder(run);
  if (out.empty()) out = run / "report.html";
  write_text_atomically(out, render_report(folder));
  return out;
}

}  // namespace xnet::report
