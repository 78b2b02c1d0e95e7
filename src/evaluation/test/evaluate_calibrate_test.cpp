// `xnet evaluate` measures what `xnet predict` writes (checked against an independent count
// from the written masks, as the acceptance check does); `xnet calibrate` stores a temperature
// and thresholds that load_model reads back.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "metrics/boundary.hpp"
#include "model/model_file.hpp"
#include "predict/test/predict_fixture.hpp"

namespace fs = std::filesystem;

namespace xnet {
namespace {

class EvaluateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_folder("evaluate");
    model_ = test::write_tiny_model(dir_);
    data_ = test::write_phantom_dataset(dir_ / "data", {{96, 80}, {121, 67}, {64, 64}, {75, 110}});
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_, model_, data_;
};

// Independent count from masks on disk: accuracy and per-class F1 (none where undefined).
struct Count {
  double accuracy;
  std::vector<std::optional<double>> f1;
};
Count count_from_masks(const fs::path& data, const fs::path& predictions, int classes) {
  std::vector<std::vector<double>> confusion(classes, std::vector<double>(classes, 0));
  for (const auto& entry : fs::directory_iterator(data / "masks")) {
    const cv::Mat truth = cv::imread(entry.path().string(), cv::IMREAD_UNCHANGED);
    const cv::Mat predicted =
        cv::imread((predictions / (entry.path().stem().string() + "_mask.png")).string(), cv::IMREAD_UNCHANGED);
    EXPECT_EQ(truth.size(), predicted.size()) << entry.path();
    for (int i = 0; i < int(truth.total()); ++i) {
      const int t = truth.data[i], p = predicted.data[i];
      if (t == 255) continue;
      confusion[t][p] += 1;
    }
  }
  double correct = 0, total = 0;
  Count c;
  for (int k = 0; k < classes; ++k) {
    double row = 0, column = 0;
    for (int j = 0; j < classes; ++j) row += confusion[k][j], column += confusion[j][k];
    correct += confusion[k][k];
    total += row;
    c.f1.push_back(row > 0 && column > 0 ? std::optional<double>(2 * confusion[k][k] / (row + column)) : std::nullopt);
  }
  c.accuracy = correct / total;
  return c;
}

TEST_F(EvaluateCommandTest, MetricsAgreeWithTheMasksPredictWrites) {
  const auto p = test::run("predict " + model_.string() + " " + (data_ / "images").string() + " --out " +
                                (dir_ / "pred").string() + " --threads 1 --device cpu");
  ASSERT_EQ(p.status, 0) << p.output;
  const auto e = test::run("evaluate " + model_.string() + " " + data_.string() + " --out " +
                                (dir_ / "eval").string() + " --boundary-tolerance 3 --threads 1 --device cpu");
  ASSERT_EQ(e.status, 0) << e.output;
  EXPECT_NE(e.output.find("boundaries (tolerance 3 px)"), std::string::npos) << e.output;
  std::ifstream in(dir_ / "eval" / "metrics.json");
  const auto metrics = nlohmann::json::parse(in);
  EXPECT_EQ(metrics["images"], 4);
  EXPECT_EQ(metrics["boundary_tolerance_px"], 3.0);
  // Best and worst images in report/run_folder.hpp's layout.
  for (const char* file : {"best_1_image.png", "best_1_truth.png", "best_1_prediction.png", "worst_1_errors.png",
                           "worst_3.json"})
    EXPECT_TRUE(fs::exists(dir_ / "eval" / "examples" / file)) << file;
  const int classes = static_cast<int>(metrics["classes"].size());
  const auto count = count_from_masks(data_, dir_ / "pred", classes);
  EXPECT_NEAR(metrics["accuracy"].get<double>(), count.accuracy, 0.01);
  for (int k = 0; k < classes; ++k) {
    const auto& f1 = metrics["per_class"][metrics["classes"][k].get<std::string>()]["f1"];
    if (count.f1[k]) {
      ASSERT_TRUE(f1.is_number()) << k;
      EXPECT_NEAR(f1.get<double>(), *count.f1[k], 0.01) << k;
    }
  }
  // Boundary figures of the full-resolution masks predict wrote, at the tolerance asked for.
  metrics::BoundaryAccumulator boundary(classes, 3.0);
  for (const auto& entry : fs::directory_iterator(data_ / "masks")) {
    cv::Mat truth = cv::imread(entry.path().string(), cv::IMREAD_UNCHANGED);
    if (classes == 3) truth.setTo(255, truth == 3);
    boundary.add(truth, cv::imread((dir_ / "pred" / (entry.path().stem().string() + "_mask.png")).string(),
                                   cv::IMREAD_UNCHANGED),
                 std::nullopt);
  }
  const auto figures = boundary.result();
  int measured = 0;
  for (int k = 0; k < classes; ++k) {
    const auto& c = metrics["per_class"][metrics["classes"][k].get<std::string>()];
    ASSERT_TRUE(c.contains("boundary_f1") && c.contains("hd95_px") && c.contains("hd95_mm")) << k;
    EXPECT_TRUE(c["hd95_mm"].is_null()) << k;  // PNG phantoms: no pixel spacing
    if (!figures[k].f1) {
      EXPECT_TRUE(c["boundary_f1"].is_null()) << k;
      continue;
    }
    ++measured;
    EXPECT_DOUBLE_EQ(c["boundary_f1"].get<double>(), *figures[k].f1) << k;
    EXPECT_DOUBLE_EQ(c["hd95_px"].get<double>(), *figures[k].hd95_px) << k;
  }
  EXPECT_GT(measured, 0);
}

TEST_F(EvaluateCommandTest, SplitComesFromTheRunsSplitCsv) {
  std::ofstream(dir_ / "split.csv") << "image,split\nimages/hand_000.png,train\nimages/hand_001.png,val\n"
                                       "images/hand_002.png,test\nimages/hand_003.png,test\n";
  const auto e = test::run("evaluate " + model_.string() + " " + data_.string() + " --split test --out " +
                                (dir_ / "eval").string() + " --threads 1 --device cpu");
  ASSERT_EQ(e.status, 0) << e.output;
  std::ifstream in(dir_ / "eval" / "metrics.json");
  EXPECT_EQ(nlohmann::json::parse(in)["images"], 2);
}

TEST_F(EvaluateCommandTest, KeepsATrainingRunsOwnMetricsUnlessAsked) {
  // dir_ holds the model; history.csv and metrics.json make it a training run's folder.
  std::ofstream(dir_ / "history.csv") << "epoch,train_loss\n1,0.5\n";
  const std::string trained = "{\"images\": 99}\n";
  std::ofstream(dir_ / "metrics.json") << trained;
  const std::string command = "evaluate " + model_.string() + " " + data_.string() + " --out " + dir_.string() +
                              " --threads 1 --device cpu";
  const auto refused = test::run(command);
  EXPECT_NE(refused.status, 0) << refused.output;
  EXPECT_NE(refused.output.find((dir_ / "metrics.json").string()), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("--replace-run-metrics"), std::string::npos) << refused.output;
  std::ifstream kept(dir_ / "metrics.json");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), trained);

  const auto replaced = test::run(command + " --replace-run-metrics");
  ASSERT_EQ(replaced.status, 0) << replaced.output;
  std::ifstream in(dir_ / "metrics.json");
  EXPECT_EQ(nlohmann::json::parse(in)["images"], 4);
}

TEST_F(EvaluateCommandTest, CalibrateStoresWhatLoadModelReadsBack) {
  std::ofstream(dir_ / "split.csv") << "image,split\nimages/hand_000.png,train\nimages/hand_001.png,val\n"
                                       "images/hand_002.png,val\nimages/hand_003.png,test\n";
  const auto c = test::run("calibrate " + model_.string() + " " + data_.string() +
                                " --soft-tissue-max-fpr 0.05 --threads 1 --device cpu");
  ASSERT_EQ(c.status, 0) << c.output;
  EXPECT_NE(c.output.find("ECE"), std::string::npos) << c.output;
  const auto model = model::load_model(model_);
  ASSERT_TRUE(model.meta.calibration.contains("temperature"));
  const double t = model.meta.calibration["temperature"].get<double>();
  EXPECT_GT(t, 0.0);
  // An untrained network is far from calibrated on these phantoms: the fit moves T off 1.
  EXPECT_GT(std::abs(t - 1.0), 1e-3);
  ASSERT_TRUE(model.meta.thresholds.contains("soft_tissue"));
  const double st = model.meta.thresholds["soft_tissue"].get<double>();
  EXPECT_GE(st, 0.0);
  EXPECT_LE(st, 1.0);
  EXPECT_EQ(model.meta.thresholds["criterion"], "max_fpr 0.05");
}

}  // namespace
}  // namespace xnet
