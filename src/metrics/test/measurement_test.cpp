// The one measurement both training and `xnet evaluate` write: per-image scores on hand-made
// masks, the best and worst images it keeps, and the files in report/run_folder.hpp's layout.
#include "metrics/measurement.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/labels.hpp"
#include "postprocess/overlay.hpp"

namespace fs = std::filesystem;

namespace xnet::metrics {
namespace {

// 10x10 truth: left half soft tissue, right half bone, top row not labelled.
cv::Mat halves() {
  cv::Mat t(10, 10, CV_8U, cv::Scalar(label::soft_tissue));
  t(cv::Rect(5, 0, 5, 10)).setTo(label::bone);
  t.row(0).setTo(label::ignore);
  return t;
}

std::vector<cv::Mat> certain(const cv::Mat& predicted, int classes) {
  std::vector<cv::Mat> p;
  for (int k = 0; k < classes; ++k) {
    cv::Mat m;
    cv::Mat(predicted == k).convertTo(m, CV_32F, 1.0 / 255.0);
    p.push_back(m);
  }
  return p;
}

TEST(ScoreImage, CountsLabelledPixelsOnly) {
  const cv::Mat truth = halves();
  EXPECT_DOUBLE_EQ(score_image(truth, truth, 3).accuracy, 1.0);
  cv::Mat predicted = truth.clone();
  predicted.row(0).setTo(label::open_beam);  // not labelled there: does not count
  EXPECT_DOUBLE_EQ(score_image(truth, predicted, 3).weighted_f1, 1.0);
  // One column of bone (9 labelled pixels of 90) called soft tissue.
  predicted.col(5).setTo(label::soft_tissue);
  const ImageScore s = score_image(truth, predicted, 3);
  EXPECT_NEAR(s.accuracy, 81.0 / 90.0, 1e-12);
  // Soft tissue: 45 true, 54 predicted, 45 hit: F1 90/99. Bone: 45 true, 36 predicted: F1 72/81.
  EXPECT_NEAR(s.weighted_f1, 0.5 * 90.0 / 99.0 + 0.5 * 72.0 / 81.0, 1e-12);
  const cv::Mat nothing(10, 10, CV_8U, cv::Scalar(label::ignore));
  EXPECT_DOUBLE_EQ(score_image(nothing, predicted, 3).weighted_f1, 1.0);
}

TEST(Measurement, KeepsTheBestAndWorstByWeightedF1AndWritesThem) {
  const fs::path out = fs::temp_directory_path() / "xnet_measurement_test";
  fs::remove_all(out);
  Measurement m(3, 2);
  const cv::Mat truth = halves();
  const cv::Mat gray(10, 10, CV_8U, cv::Scalar(100));
  // Images with 0, 1, 2 and 3 wrong bone columns: "w0" best, "w3" worst.
  for (int wrong : {1, 3, 0, 2}) {
    cv::Mat predicted = truth.clone();
    for (int c = 0; c < wrong; ++c) predicted.col(5 + c).setTo(label::soft_tissue);
    m.add({"w" + std::to_string(wrong), "hand", gray, truth, predicted}, certain(predicted, 3));
  }
  EXPECT_EQ(m.result().images, 4u);
  const nlohmann::json metrics = m.write(out);
  std::ifstream in(out / "metrics.json");
  EXPECT_EQ(nlohmann::json::parse(in), metrics);
  EXPECT_EQ(metrics["images"], 4);

  const auto caption = [&](const std::string& stem) {
    std::ifstream c(out / "examples" / (stem + ".json"));
    return nlohmann::json::parse(c);
  };
  EXPECT_EQ(caption("best_1")["image"], "w0");
  EXPECT_EQ(caption("best_2")["image"], "w1");
  EXPECT_EQ(caption("worst_1")["image"], "w3");
  EXPECT_EQ(caption("worst_2")["image"], "w2");
  EXPECT_FALSE(fs::exists(out / "examples" / "best_3.json"));
  EXPECT_NEAR(caption("worst_1")["accuracy"].get<double>(), 63.0 / 90.0, 1e-12);

  // Panels in the overlay's palette: the truth's bone tinted as colour_overlay tints it, the
  // worst image's wrong column red in the error map.
  const cv::Mat truth_png = cv::imread((out / "examples" / "worst_1_truth.png").string(), cv::IMREAD_COLOR);
  ASSERT_FALSE(truth_png.empty());
  EXPECT_EQ(truth_png.at<cv::Vec3b>(5, 8), colour_overlay(gray, truth).at<cv::Vec3b>(5, 8));
  EXPECT_NE(truth_png.at<cv::Vec3b>(5, 8), cv::Vec3b(100, 100, 100));
  const cv::Mat errors = cv::imread((out / "examples" / "worst_1_errors.png").string(), cv::IMREAD_COLOR);
  EXPECT_EQ(errors.at<cv::Vec3b>(5, 6), cv::Vec3b(0, 0, 255));
  EXPECT_EQ(errors.at<cv::Vec3b>(5, 8), cv::Vec3b(100, 100, 100));
  EXPECT_EQ(errors.at<cv::Vec3b>(0, 6), cv::Vec3b(100, 100, 100));  // not labelled: never an error
  fs::remove_all(out);
}

TEST(Measurement, WithoutExamplesWritesOnlyTheMetrics) {
  const fs::path out = fs::temp_directory_path() / "xnet_measurement_test_none";
  fs::remove_all(out);
  Measurement m(3, 0);
  const cv::Mat truth = halves();
  m.add({"a", "hand", cv::Mat(), truth, truth}, certain(truth, 3));
  m.write(out);
  EXPECT_TRUE(fs::exists(out / "metrics.json"));
  EXPECT_FALSE(fs::exists(out / "examples"));
  fs::remove_all(out);
}

}  // namespace
}  // namespace xnet::metrics
