// `xnet baseline` and `xnet robustness` as a user runs them, on a few generated radiographs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "baseline/classical_segmentation.hpp"
#include "cli/test/run_xnet.hpp"
#include "synth/anatomy.hpp"
#include "synth/generator.hpp"

namespace fs = std::filesystem;
using namespace xnet;

TEST(BaselineCommand, WritesMetricsAndItsParametersAndTheRobustnessLevels) {
  const fs::path dir = fs::temp_directory_path() / ("xnet_baseline_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "data" / "images");
  fs::create_directories(dir / "data" / "masks");
  std::ofstream manifest(dir / "data" / "manifest.csv");
  manifest << "image,mask,category\n";
  for (int i = 0; i < 3; ++i) {
    const auto im = synth::synthesize(synth::category_names()[i], 9, i, 160, synth::Polarity::raw, true);
    cv::Mat stored;
    im.pixels.convertTo(stored, CV_16U);
    const std::string name = "im" + std::to_string(i) + ".png";
    cv::imwrite((dir / "data" / "images" / name).string(), stored);
    cv::imwrite((dir / "data" / "masks" / name).string(), im.labels);
    manifest << "images/" << name << ",masks/" << name << "," << im.category << "\n";
  }
  manifest.close();
  const auto r = test::run("baseline " + (dir / "data").string() + " --out " + (dir / "b").string() + " --examples 1");
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream metrics(dir / "b" / "metrics.json"), parameters(dir / "b" / "baseline.json");
  const auto m = nlohmann::json::parse(metrics);
  EXPECT_EQ(m["images"], 3);
  EXPECT_GT(m["weighted"]["f1"].get<double>(), 0.5);
  EXPECT_EQ(nlohmann::json::parse(parameters)["parameters"]["bone_scale"], ClassicalOptions{}.bone_scale);
  EXPECT_TRUE(fs::exists(dir / "b" / "examples" / "best_1_prediction.png"));
  // The default model and the baseline at every level: none, three lower doses, three blurs.
  const auto robust = test::run("robustness default " + (dir / "data").string() + " --split all --threads 1 --out " +
                                (dir / "r").string() + " --baseline-params " + (dir / "b" / "baseline.json").string());
  ASSERT_EQ(robust.status, 0) << robust.output;
  std::ifstream levels_file(dir / "r" / "robustness.json");
  const auto levels = nlohmann::json::parse(levels_file)["levels"];
  ASSERT_EQ(levels.size(), 7u);
  EXPECT_EQ(levels[3]["dose"], 0.25);
  EXPECT_NEAR(levels[3]["noise"].get<double>(), std::sqrt(3.0), 1e-9);
  EXPECT_EQ(levels[6]["blur"], 4.0);
  for (const auto& level : levels)
    for (const char* method : {"model", "baseline"}) {
      EXPECT_TRUE(level[method]["weighted_f1"].is_number()) << level;
      EXPECT_TRUE(level[method]["boundary_ratio"].is_number()) << level;
      EXPECT_GE(level[method]["components_per_image"]["bone"].get<double>(), 0.0);
    }
  // --split needs a run's split.csv.
  const auto refused = test::run("baseline " + (dir / "data").string() + " --out " + (dir / "c").string() +
                                 " --split test");
  EXPECT_NE(refused.status, 0);
  EXPECT_NE(refused.output.find("--run"), std::string::npos) << refused.output;
  fs::remove_all(dir);
}
