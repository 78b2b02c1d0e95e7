// Sharded prediction (issue 18): N shards of one input list take every file exactly once,
// split the same way whatever order the inputs come in, and merge into one summary.json.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "predict/input_files.hpp"
#include "predict_fixture.hpp"

namespace fs = std::filesystem;

namespace xnet {
namespace {

TEST(Shard, ParsesKOfNAndRefusesTheRest) {
  const Shard s = parse_shard("2/5");
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.count, 5);
  EXPECT_EQ(s.source, "option");
  for (const char* bad : {"5/5", "1", "-1/3", "1/0", "a/3", "1/3/4", "", "/3", "1/"})
    EXPECT_THROW(parse_shard(bad), UsageError) << bad;
}

TEST(Shard, ComesFromTorchrunOrSlurmEnvironment) {
  std::map<std::string, std::string> env;
  const auto lookup = [&](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  EXPECT_EQ(shard_from_environment(lookup).count, 1);  // nothing set: all of it
  env = {{"SLURM_PROCID", "3"}, {"SLURM_NTASKS", "4"}};
  EXPECT_EQ(shard_from_environment(lookup).index, 3);
  EXPECT_EQ(shard_from_environment(lookup).source, "slurm");
  env["RANK"] = "1";
  env["WORLD_SIZE"] = "2";  // torchrun's own variables win
  const Shard t = shard_from_environment(lookup);
  EXPECT_EQ(t.index, 1);
  EXPECT_EQ(t.count, 2);
  EXPECT_EQ(t.source, "torchrun");
  env["RANK"] = "2";
  EXPECT_THROW(shard_from_environment(lookup), UsageError);
}

TEST(Shard, ShardsAreDisjointCompleteAndIndependentOfTheInputOrder) {
  std::vector<fs::path> files;
  for (int i = 0; i < 11; ++i) files.push_back("scans/" + std::to_string(i * 7 % 11) + ".png");
  std::vector<fs::path> reversed(files.rbegin(), files.rend());
  std::multiset<fs::path> seen;
  for (int k = 0; k < 4; ++k) {
    const auto mine = files_of_shard(files, {k, 4, "option"});
    EXPECT_EQ(mine, files_of_shard(reversed, {k, 4, "option"})) << k;
    EXPECT_GE(mine.size(), 2u);  // 11 over 4: 3, 3, 3, 2
    EXPECT_LE(mine.size(), 3u);
    seen.insert(mine.begin(), mine.end());
  }
  EXPECT_EQ(seen, std::multiset<fs::path>(files.begin(), files.end()));
  EXPECT_EQ(files_of_shard(files, {5, 20, "option"}).size(), 1u);  // more shards than files
  EXPECT_TRUE(files_of_shard(files, {15, 20, "option"}).empty());
}

class ShardedPredictTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_folder("sharded_predict");
    model_ = test::write_tiny_model(dir_);
    data_ = test::write_phantom_dataset(dir_ / "data", {{64, 48}, {50, 70}, {64, 64}, {40, 60}, {72, 40}});
  }
  void TearDown() override { fs::remove_all(dir_); }
  nlohmann::json read(const fs::path& file) {
    std::ifstream in(file);
    return nlohmann::json::parse(in);
  }
  fs::path dir_, model_, data_;
};

TEST_F(ShardedPredictTest, ThreeShardsWriteEveryInputOnceAndMergeOneSummary) {
  const fs::path out = dir_ / "out";
  std::multiset<std::string> inputs;
  for (int k = 0; k < 3; ++k) {
    EXPECT_FALSE(fs::exists(out / "summary.json")) << "before shard " << k;
    const auto r = test::run("predict " + model_.string() + " " + (data_ / "images").string() + " --out " +
                             out.string() + " --shard " + std::to_string(k) + "/3 --threads 1 --device cpu");
    ASSERT_EQ(r.status, 0) << r.output;
    const auto shard = read(out / ("summary-" + std::to_string(k) + "-of-3.json"));
    EXPECT_EQ(shard["inputs"], 5);
    for (const auto& image : shard["images"]) inputs.insert(image["input"].get<std::string>());
  }
  EXPECT_EQ(inputs.size(), 5u);
  EXPECT_EQ(std::set<std::string>(inputs.begin(), inputs.end()).size(), 5u);  // none twice
  int masks = 0;
  for (const auto& entry : fs::directory_iterator(out)) {
    const std::string name = entry.path().filename().string();
    masks += name.size() > 9 && name.compare(name.size() - 9, 9, "_mask.png") == 0;
  }
  EXPECT_EQ(masks, 5);
  const auto all = read(out / "summary.json");
  EXPECT_EQ(all["shards"], 3);
  EXPECT_EQ(all["written"], 5);
  EXPECT_EQ(all["failed"], 0);
  EXPECT_EQ(all["images"].size(), 5u);
}

TEST_F(ShardedPredictTest, TorchrunsRankAndWorldSizeShardTheRun) {
  const fs::path out = dir_ / "ranked";
  const auto r = test::run_with_environment("RANK=1 WORLD_SIZE=2", "predict " + model_.string() + " " +
                                                                     (data_ / "images").string() + " --out " +
                                                                     out.string() + " --threads 1 --device cpu");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto shard = read(out / "summary-1-of-2.json");
  EXPECT_EQ(shard["shard"]["source"], "torchrun");
  EXPECT_EQ(shard["images"].size(), 2u);  // positions 1 and 3 of 5
  EXPECT_FALSE(fs::exists(out / "summary.json"));  // shard 0 has not run
}

}  // namespace
}  // namespace xnet
