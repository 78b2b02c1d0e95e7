// Metrics of hand-made label maps whose answers are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "core/error.hpp"
#include "metrics/metrics.hpp"

namespace xnet::metrics {
namespace {

using Pixel = std::array<float, 3>;

std::vector<cv::Mat> maps(const std::vector<Pixel>& pixels, int rows, int cols) {
  std::vector<cv::Mat> out(3);
  for (int k = 0; k < 3; ++k) {
    out[k] = cv::Mat(rows, cols, CV_32F);
    for (int i = 0; i < rows * cols; ++i) out[k].at<float>(i / cols, i % cols) = pixels[i][k];
  }
  return out;
}

// Image A: bone (2) absent from the truth but predicted once; one pixel ignored (255).
//   truth [0 0 1; 1 255 0]  prediction [0 1 1; 2 2 0]
// Counted: (t0,p0) (t0,p1) (t1,p1) (t1,p2) (t0,p0): accuracy 3/5.
// open beam: tp 2 fp 0 fn 1 -> P 1, R 2/3, F1 0.8, IoU 2/3; soft tissue: tp 1 fp 1 fn 1 ->
// 0.5, 0.5, 0.5, 1/3. AUC open beam: positives 0.9 0.3 0.8 above negatives 0.2 0.1 -> 1;
// soft tissue: positives 0.7 0.4, negatives 0.05 0.6 0.1 -> 5/6.
// Top-class calibration: confidences 0.9 0.6 0.7 0.5 0.8 hits 1 0 1 0 1, one per bin:
// ECE = (0.1 + 0.6 + 0.3 + 0.5 + 0.2) / 5 = 0.34, MCE = 0.6, confidence 0.7.
void add_image_a(MetricsAccumulator& acc, const std::string& category = "hand") {
  const cv::Mat truth = (cv::Mat_<std::uint8_t>(2, 3) << 0, 0, 1, 1, 255, 0);
  const cv::Mat predicted = (cv::Mat_<std::uint8_t>(2, 3) << 0, 1, 1, 2, 2, 0);
  acc.add(truth, predicted,
          maps({{{0.9f, 0.05f, 0.05f}}, {{0.3f, 0.6f, 0.1f}}, {{0.2f, 0.7f, 0.1f}},
                {{0.1f, 0.4f, 0.5f}}, {{0.0f, 0.0f, 1.0f}}, {{0.8f, 0.1f, 0.1f}}},
               2, 3),
          category);
}

// Image B: two bone pixels, one called soft tissue.
void add_image_b(MetricsAccumulator& acc) {
  const cv::Mat truth = (cv::Mat_<std::uint8_t>(1, 2) << 2, 2);
  const cv::Mat predicted = (cv::Mat_<std::uint8_t>(1, 2) << 2, 1);
  acc.add(truth, predicted, maps({{{0.1f, 0.2f, 0.7f}}, {{0.1f, 0.5f, 0.4f}}}, 1, 2), "foot");
}

TEST(Metrics, HandMadeLabelMapsWithAbsentClassAndIgnoredPixels) {
  MetricsAccumulator acc(3);
  add_image_a(acc);
  const nlohmann::json j = to_json(acc.result());
  EXPECT_EQ(j["classes"], nlohmann::json({"open_beam", "soft_tissue", "bone"}));
  EXPECT_EQ(j["images"], 1);
  EXPECT_EQ(j["pixels"], 5);
  EXPECT_DOUBLE_EQ(j["accuracy"], 0.6);
  const auto& open = j["per_class"]["open_beam"];
  EXPECT_DOUBLE_EQ(open["precision"], 1.0);
  EXPECT_DOUBLE_EQ(open["recall"], 2.0 / 3);
  EXPECT_DOUBLE_EQ(open["f1"], 0.8);
  EXPECT_DOUBLE_EQ(open["iou"], 2.0 / 3);
  EXPECT_NEAR(open["auc"].get<double>(), 1.0, 1e-12);
  EXPECT_EQ(open["support"], 3);
  const auto& soft = j["per_class"]["soft_tissue"];
  EXPECT_DOUBLE_EQ(soft["precision"], 0.5);
  EXPECT_DOUBLE_EQ(soft["recall"], 0.5);
  EXPECT_DOUBLE_EQ(soft["f1"], 0.5);
  EXPECT_DOUBLE_EQ(soft["iou"], 1.0 / 3);
  EXPECT_NEAR(soft["auc"].get<double>(), 5.0 / 6, 1e-12);
  // Absent bone: nulls, never a made-up number; its false positive still shows.
  const auto& bone = j["per_class"]["bone"];
  for (const char* key : {"precision", "recall", "f1", "iou", "auc"}) EXPECT_TRUE(bone[key].is_null()) << key;
  EXPECT_EQ(bone["support"], 0);
  EXPECT_EQ(bone["predicted"], 1);
  // Support-weighted over the present classes (3 open beam, 2 soft tissue).
  EXPECT_DOUBLE_EQ(j["weighted"]["precision"], (3 * 1.0 + 2 * 0.5) / 5);
  EXPECT_DOUBLE_EQ(j["weighted"]["recall"], 0.6);
  EXPECT_DOUBLE_EQ(j["weighted"]["f1"], (3 * 0.8 + 2 * 0.5) / 5);
  EXPECT_NEAR(j["weighted"]["auc"].get<double>(), (3 * 1.0 + 2 * 5.0 / 6) / 5, 1e-12);
  EXPECT_EQ(j["confusion_matrix"], nlohmann::json({{2, 1, 0}, {0, 1, 1}, {0, 0, 0}}));
  const auto& cal = j["calibration"];
  EXPECT_NEAR(cal["confidence"].get<double>(), 0.7, 1e-6);
  EXPECT_DOUBLE_EQ(cal["accuracy"], 0.6);
  EXPECT_NEAR(cal["ece"].get<double>(), 0.34, 1e-6);
  EXPECT_NEAR(cal["mce"].get<double>(), 0.6, 1e-6);
  ASSERT_EQ(cal["bins"].size(), 15u);
  EXPECT_EQ(cal["bins"][13]["count"], 1);  // 0.9 in [13/15, 14/15)
  EXPECT_TRUE(cal["bins"][0]["confidence"].is_null());
  EXPECT_EQ(j["per_category"]["hand"]["images"], 1);
  EXPECT_DOUBLE_EQ(j["per_category"]["hand"]["accuracy"], 0.6);
  // The extras the report draws: curves from (0,0) to (1,1), reliability per class.
  const auto& roc = j["roc"]["soft_tissue"];
  EXPECT_EQ(roc["fpr"].front(), 0.0);
  EXPECT_EQ(roc["tpr"].back(), 1.0);
  EXPECT_TRUE(j["roc"]["bone"]["fpr"].empty());
  EXPECT_EQ(j["reliability"]["bone"]["bins"].size(), 15u);
  // One-vs-rest soft tissue: p 0.05 0.6 0.7 0.4 0.1, truth soft for 0.7 and 0.4, one per bin:
  // ECE = (0.05 + 0.6 + 0.3 + 0.6 + 0.1) / 5 = 0.33.
  EXPECT_NEAR(j["reliability"]["soft_tissue"]["ece"].get<double>(), 0.33, 1e-6);
  EXPECT_NEAR(j["reliability"]["soft_tissue"]["accuracy"].get<double>(), 0.4, 1e-12);
}

TEST(Metrics, MergedPartialsEqualOneAccumulatorAndCategoriesStaySeparate) {
  MetricsAccumulator whole(3), first(3), second(3);
  add_image_a(whole);
  add_image_b(whole);
  add_image_a(first);
  add_image_b(second);
  first.merge(second);
  const nlohmann::json merged = to_json(first.result());
  EXPECT_EQ(merged, to_json(whole.result()));
  EXPECT_EQ(merged["images"], 2);
  EXPECT_EQ(merged["pixels"], 7);
  EXPECT_DOUBLE_EQ(merged["per_class"]["bone"]["recall"], 0.5);  // present now
  // Per category: hand is image A alone, foot image B alone.
  MetricsAccumulator only_a(3);
  add_image_a(only_a);
  const nlohmann::json a = to_json(only_a.result());
  EXPECT_EQ(merged["per_category"]["hand"]["weighted"], a["weighted"]);
  EXPECT_DOUBLE_EQ(merged["per_category"]["foot"]["accuracy"], 0.5);
  EXPECT_EQ(merged["per_category"]["foot"]["images"], 1);
  EXPECT_TRUE(merged["per_category"]["foot"]["per_class"]["open_beam"]["recall"].is_null());
}

TEST(Metrics, ConcurrentMergesIntoOneTotalLoseNothing) {
  MetricsAccumulator total(3), expected(3);
  std::vector<std::unique_ptr<MetricsAccumulator>> parts;
  for (int i = 0; i < 8; ++i) {
    parts.push_back(std::make_unique<MetricsAccumulator>(3));
    add_image_a(*parts.back(), "hand " + std::to_string(i % 3));
    add_image_a(expected, "hand " + std::to_string(i % 3));
  }
  std::vector<std::thread> workers;
  for (auto& part : parts) workers.emplace_back([&total, &part] { total.merge(*part); });
  for (auto& w : workers) w.join();
  EXPECT_EQ(to_json(total.result()), to_json(expected.result()));
  EXPECT_EQ(to_json(total.result())["images"], 8);
}

TEST(Metrics, TableShowsFiguresAndDashesForNull) {
  MetricsAccumulator acc(3);
  add_image_a(acc);
  const std::string table = format_table(acc.result());
  EXPECT_NE(table.find("0.6000"), std::string::npos);  // accuracy
  EXPECT_NE(table.find("0.8000"), std::string::npos);  // open beam F1
  EXPECT_NE(table.find("bone"), std::string::npos);
  EXPECT_NE(table.find(" -"), std::string::npos);      // absent bone
  EXPECT_NE(table.find("hand"), std::string::npos);
}

TEST(Metrics, RejectsLabelsOutsideTheClassesAndMismatchedSizes) {
  MetricsAccumulator acc(3);
  const cv::Mat truth = (cv::Mat_<std::uint8_t>(1, 2) << 0, 7);
  const cv::Mat predicted = (cv::Mat_<std::uint8_t>(1, 2) << 0, 0);
  const auto probs = maps({{{1, 0, 0}}, {{1, 0, 0}}}, 1, 2);
  try {
    acc.add(truth, predicted, probs, "knee");
    FAIL() << "label 7 accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("label 7"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("knee"), std::string::npos) << e.what();
  }
  EXPECT_THROW(acc.add(cv::Mat::zeros(2, 2, CV_8U), predicted, probs, "knee"), Error);
  EXPECT_THROW(MetricsAccumulator(5), Error);
}

}  // namespace
}  // namespace xnet::metrics
