// The shipped default model (models/default.pt, issue 16) through the built program: `default`
// resolves wherever a model is taken, loads, says where it came from, and segments synthetic
// radiographs it never saw sensibly. Its quality on real radiographs is a benchmark figure
// (scripts/real-dev, README), not a test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "cli/test/run_xnet.hpp"
#include "core/labels.hpp"
#include "io/test/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace xnet;

namespace {
const fs::path shipped = fs::path(XNET_SOURCE_DIR) / "models" / "default.pt";
}  // namespace

TEST(DefaultModel, IsShippedSmallAndSaysItLearntFromSyntheticDataOnly) {
  ASSERT_TRUE(fs::is_regular_file(shipped)) << shipped << ": make it with scripts/train-default";
  EXPECT_LE(fs::file_size(shipped), 4u << 20) << "issue 16: at most 4 MiB";
  const test::Result r = test::run("info default");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("(the default model)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"synthetic_data\":{\"generator\":\"xnet synth\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("temperature"), std::string::npos) << "calibrated: " << r.output;
}

TEST(DefaultModel, SegmentsUnseenSyntheticRadiographsSensibly) {
  const fs::path dir = test::scratch_dir();
  // A seed scripts/train-default does not use, raw and display images of every category.
  test::Result r = test::run("synth " + (dir / "data").string() +
                             " --count 26 --seed 424242 --size 256 --polarity mixed");
  ASSERT_EQ(r.status, 0) << r.output;
  r = test::run("predict default " + (dir / "data" / "images").string() + " --out " +
                (dir / "out").string() + " --no-collimator");
  ASSERT_EQ(r.status, 0) << r.output;
  std::uint64_t labelled = 0, right = 0, bone = 0, bone_found = 0;
  for (const auto& entry : fs::directory_iterator(dir / "data" / "masks")) {
    const cv::Mat truth = cv::imread(entry.path().string(), cv::IMREAD_UNCHANGED);
    const cv::Mat predicted =
        cv::imread((dir / "out" / (entry.path().stem().string() + "_mask.png")).string(), cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(predicted.empty()) << entry.path();
    ASSERT_EQ(predicted.size(), truth.size());
    const cv::Mat known = truth != label::ignore;
    labelled += cv::countNonZero(known);
    right += cv::countNonZero(known & (truth == predicted));
    bone += cv::countNonZero(truth == label::bone);
    bone_found += cv::countNonZero((truth == label::bone) & (predicted == label::bone));
  }
  ASSERT_GT(labelled, 0u);
  // The model scores about 0.9 here; an untrained or mis-loaded one about a third.
  EXPECT_GT(double(right) / labelled, 0.8);
  EXPECT_GT(double(bone_found) / bone, 0.6);
}

TEST(DefaultModel, MissingDefaultNamesWhereItLooked) {
  const test::Result r = test::run_program("XNET_DEFAULT_MODEL=/nonexistent/default.pt " XNET_BINARY,
                                           "info default");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("/nonexistent/default.pt"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("scripts/train-default"), std::string::npos) << r.output;
}

TEST(DefaultModel, CalibrateNeverRewritesTheShippedModel) {
  const fs::path dir = test::scratch_dir();
  ASSERT_EQ(test::run("synth " + (dir / "data").string() + " --count 3 --seed 7 --size 128").status, 0);
  const auto before = fs::last_write_time(shipped);
  const test::Result r = test::run("calibrate default " + (dir / "data").string() + " --split all");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--out"), std::string::npos) << r.output;
  EXPECT_EQ(fs::last_write_time(shipped), before);
  const test::Result copy = test::run("calibrate default " + (dir / "data").string() +
                                      " --split all --out " + (dir / "mine.pt").string());
  EXPECT_EQ(copy.status, 0) << copy.output;
  EXPECT_TRUE(fs::is_regular_file(dir / "mine.pt"));
  EXPECT_EQ(fs::last_write_time(shipped), before);
}
