// The report from a fake run folder: every section present, self-contained, and "not
// available" instead of a failure where a piece is missing.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include <opencv2/imgcodecs.hpp>

#include "core/error.hpp"
#include "metrics/measurement.hpp"
#include "core/labels.hpp"
#include "postprocess/overlay.hpp"
#include "report/html_report.hpp"

namespace xnet::report {
namespace {
namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("xnet-report-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

void write(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

std::string read(const fs::path& file) {
  std::stringstream s;
  s << std::ifstream(file).rdbuf();
  return s.str();
}

// PLplot's svg driver writes text as character references (&#x41;): decode them.
std::string decoded(const std::string& html) {
  std::string out;
  const std::regex ref("&#x([0-9a-fA-F]+);");
  std::size_t last = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), ref); it != std::sregex_iterator(); ++it) {
    out += html.substr(last, it->position() - last);
    const long code = std::stol((*it)[1], nullptr, 16);
    out += code < 128 ? std::string(1, char(code)) : std::string("?");
    last = it->position() + it->length();
  }
  return out + html.substr(last);
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

// metrics.json of a noisy 3-class prediction over two categories, as evaluate would write it.
nlohmann::json fake_metrics() {
  metrics::Measurement acc(3, 0);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (int image = 0; image < 4; ++image) {
    cv::Mat truth(16, 16, CV_8U), predicted(16, 16, CV_8U);
    std::vector<cv::Mat> probs(3, cv::Mat());
    for (auto& p : probs) p = cv::Mat(16, 16, CV_32F);
    for (int y = 0; y < 16; ++y)
      for (int x = 0; x < 16; ++x) {
        const int t = (x + y + image) % 3;
        float p[3], sum = 0;
        for (int k = 0; k < 3; ++k) sum += p[k] = u(rng) + (k == t ? 0.6f : 0.0f);
        int top = 0;
        for (int k = 0; k < 3; ++k) {
          probs[k].at<float>(y, x) = p[k] / sum;
          if (p[k] > p[top]) top = k;
        }
        truth.at<std::uint8_t>(y, x) = (x == 0 && y == 0) ? 255 : std::uint8_t(t);
        predicted.at<std::uint8_t>(y, x) = std::uint8_t(top);
      }
    acc.add({"image", image < 2 ? "hand" : "lamb leg", cv::Mat(), truth, predicted}, probs);
  }
  return acc.json();
}

void fake_run(const fs::path& run) {
  write(run / "history.csv",
        "epoch,train_loss,val_loss,val_accuracy,val_weighted_f1,lr,seconds\n"
        "1,0.9,0.8,0.6,0.55,0.001,12.5\n2,0.6,0.62,0.75,0.72,0.001,12.1\n3,0.4,0.5,0.81,0.8,0.0005,12.3\n");
  write(run / "metrics.json", fake_metrics().dump(2));
  fs::create_directories(run / "examples");
  const cv::Mat gray(24, 32, CV_8U, cv::Scalar(128));
  const cv::Mat colour(24, 32, CV_8UC3, cv::Scalar(0, 200, 255));
  for (const char* kind : {"best", "worst"})
    for (const char* panel : {"image", "truth", "prediction", "errors"}) {
      if (std::string(kind) == "worst" && std::string(panel) == "errors") continue;  // missing
      cv::imwrite((run / "examples" / (std::string(kind) + "_1_" + panel + ".png")).string(),
                  std::string(panel) == "image" ? gray : colour);
    }
  write(run / "examples" / "best_1.json", R"({"image": "hand_003.png", "category": "hand", "accuracy": 0.97})");
}

TEST(Report, ContainsEverySectionSelfContained) {
  TempDir dir;
  fake_run(dir.path);
  const fs::path out = write_report(dir.path);
  EXPECT_EQ(out, dir.path / "report.html");
  if (const char* keep = std::getenv("XNET_KEEP_REPORT")) fs::copy_file(out, keep, fs::copy_options::overwrite_existing);
  const std::string html = read(out);
  for (const char* id : {"summary", "learning-curves", "per-class", "confusion-matrix", "roc",
                         "reliability", "per-category", "examples", "comparison"})
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  // 4 learning-curve panels, confusion, ROC, top-class and 3 per-class reliability diagrams.
  EXPECT_EQ(occurrences(html, "<svg"), 10u);
  const std::string text = decoded(html);
  EXPECT_NE(text.find("soft_tissue (AUC 0."), std::string::npos);  // ROC legend
  EXPECT_NE(text.find("val_weighted_f1"), std::string::npos);       // learning-curve legend
  EXPECT_NE(text.find("Top class (max probability): ECE 0."), std::string::npos);
  EXPECT_NE(html.find("lamb leg"), std::string::npos);
  EXPECT_NE(html.find("hand: hand_003.png, accuracy 0.970"), std::string::npos);  // caption
  EXPECT_NE(html.find("<th>boundary F1</th>"), std::string::npos);  // metrics/measurement.hpp's figures
  EXPECT_NE(html.find("within 2 px"), std::string::npos);
  // The colour legend in the overlay's own colours.
  const cv::Vec3b bone = label_colour(label::bone);
  char swatch[64];
  std::snprintf(swatch, sizeof swatch, "background:#%02x%02x%02x\"></span> bone", bone[2], bone[1], bone[0]);
  EXPECT_NE(html.find(swatch), std::string::npos);
  EXPECT_EQ(occurrences(html, "data:image/png;base64,"), 7u);
  EXPECT_EQ(occurrences(html, "not available"), 2u);  // worst #1 has no errors panel, no comparison
  // Nothing from the network: no scripts, links or remote sources (SVG namespaces are names).
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  // Inline SVGs share one id space: every id unique.
  std::set<std::string> ids;
  const std::regex id(R"re(id="([^"]+)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id); it != std::sregex_iterator(); ++it)
    EXPECT_TRUE(ids.insert((*it)[1]).second) << "duplicate id " << (*it)[1];
}

TEST(Report, ComparisonWithTheBaselineShowsEachPieceGiven) {
  TempDir dir;
  fake_run(dir.path);
  fs::create_directories(dir.path / "baseline");
  write(dir.path / "baseline" / "metrics.json",
        R"({"classes": ["open_beam", "soft_tissue", "bone"], "weighted": {"f1": 0.8123},
            "per_class": {"bone": {"f1": 0.6543}},
            "per_category": {"foot": {"weighted": {"f1": 0.7011}}}})");
  write(dir.path / "robustness.json", R"({"levels": [
      {"noise": 0, "dose": 1, "blur": 0, "model": {"weighted_f1": 0.91, "boundary_ratio": 1.01},
       "baseline": {"weighted_f1": 0.83, "boundary_ratio": 1.34}},
      {"noise": 1.7320508, "dose": 0.25, "model": {"weighted_f1": 0.90}, "baseline": {"weighted_f1": 0.80}},
      {"blur": 4, "model": {"weighted_f1": 0.86}, "baseline": {"weighted_f1": 0.7654}}]})");
  write(dir.path / "cv.json", R"({"mode": "leave-category-out", "per_fold": [
      {"category": "foot", "weighted_f1": 0.8899}, {"category": "hand", "weighted_f1": 0.9001}]})");
  const std::string html = read(write_report(dir.path));
  const std::string section = html.substr(html.find("<section id=\"comparison\">"));
  EXPECT_NE(section.find("<td>bone</td><td>"), std::string::npos);
  EXPECT_NE(section.find("<td>0.6543</td>"), std::string::npos);   // baseline's bone F1
  EXPECT_NE(section.find("<td>0.8123</td>"), std::string::npos);   // baseline's weighted F1
  EXPECT_NE(section.find("<td>dose 0.25</td>"), std::string::npos);
  EXPECT_NE(section.find("<td>0.7654</td>"), std::string::npos);   // baseline under blur
  EXPECT_NE(section.find("<td>1.34</td>"), std::string::npos);     // its boundary / truth
  // F1 against noise and blur; boundary length and bone regions against noise.
  EXPECT_EQ(occurrences(section, "<svg"), 4u);
  EXPECT_NE(section.find("<td>foot</td><td>0.8899</td><td>0.7011</td>"), std::string::npos);
  EXPECT_NE(section.find("<td>hand</td><td>0.9001</td><td class=\"null\">"), std::string::npos);
  EXPECT_EQ(section.find("not available"), std::string::npos);
}

TEST(Report, MissingPiecesSayNotAvailable) {
  TempDir dir;
  const fs::path out = dir.path / "sub" / "r.html";
  fs::create_directories(out.parent_path());
  write_report(dir.path, out);
  const std::string html = read(out);
  EXPECT_NE(html.find("<section id=\"roc\">"), std::string::npos);
  EXPECT_GE(occurrences(html, "not available"), 7u);
  EXPECT_NE(html.find("history.csv: missing"), std::string::npos);
  EXPECT_EQ(occurrences(html, "<svg"), 0u);
}

TEST(Report, BrokenInputsAreReportedNotFatal) {
  TempDir dir;
  write(dir.path / "history.csv", "epoch,train_loss\n1,abc\n");
  write(dir.path / "metrics.json", "{ not json");
  const std::string html = read(write_report(dir.path));
  EXPECT_NE(html.find("column train_loss: &#39;abc&#39;"), std::string::npos) << html.substr(0, 3000);
  EXPECT_NE(html.find("metrics.json: not valid JSON"), std::string::npos);
}

TEST(Report, NotAFolderIsAnError) {
  EXPECT_THROW(write_report("/nonexistent/run"), Error);
}

TEST(Report, Base64) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("M"), "TQ==");
  EXPECT_EQ(base64("Ma"), "TWE=");
  EXPECT_EQ(base64("Man"), "TWFu");
  EXPECT_EQ(base64(std::string("\xff\x00\x10", 3)), "/wAQ");
}

}  // namespace
}  // namespace xnet::report
