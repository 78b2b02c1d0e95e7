// model.pt: round trip, and a clear error naming the file for anything that is not one.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "core/error.hpp"
#include "model/model_file.hpp"
#include "model/test/test_networks.hpp"

namespace xnet::model {
namespace {

namespace fs = std::filesystem;

class ModelFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("xnet_model_file_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Saves a small settled XNet and returns its path.
  fs::path save_small(SegmentationNet& net, ModelFile& meta) {
    NetworkSpec spec;
    spec.base_filters = 4;
    net = make_network(spec);
    test::settle_batch_norm(*net, 1);
    meta.network = spec;
    meta.input_size = 64;
    meta.classes = {"open_beam", "soft_tissue", "bone", "collimator"};
    meta.calibration = {{"temperature", 1.3}};
    meta.provenance = {{"command", "xnet train data --out run"}, {"epochs", 3}};
    const auto path = dir_ / "model.pt";
    save_model(path, meta, *net);
    return path;
  }

  void expect_clear_error(const fs::path& path, const std::string& what) {
    try {
      load_model(path);
      FAIL() << "loaded " << path;
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(path.string()), std::string::npos) << message;
      EXPECT_NE(message.find(what), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
  }

  fs::path dir_;
};

TEST_F(ModelFileTest, RoundTripGivesIdenticalOutputsAndDescription) {
  SegmentationNet net;
  ModelFile meta;
  const auto path = save_small(net, meta);
  const auto loaded = load_model(path);
  EXPECT_EQ(nlohmann::json(loaded.meta.network), nlohmann::json(net->spec()));
  EXPECT_EQ(loaded.meta.classes, meta.classes);
  EXPECT_EQ(loaded.meta.input_size, 64);
  EXPECT_EQ(loaded.meta.calibration, meta.calibration);
  EXPECT_EQ(loaded.meta.provenance, meta.provenance);
  EXPECT_EQ(loaded.meta.format_version, kModelFormatVersion);
  torch::NoGradGuard no_grad;
  const auto x = torch::randn({1, 1, 33, 41});
  EXPECT_TRUE(torch::equal(loaded.net->forward(x), net->forward(x)));
}

TEST_F(ModelFileTest, MissingFileIsNamed) { expect_clear_error(dir_ / "absent.pt", "no such model file"); }

TEST_F(ModelFileTest, TextFileIsNotAModel) {
  std::ofstream(dir_ / "notes.pt") << "this is a text file, not a model\n";
  expect_clear_error(dir_ / "notes.pt", "not an xnet model");
}

TEST_F(ModelFileTest, RandomBytesAreNotAModel) {
  std::mt19937 random(7);
  std::ofstream out(dir_ / "noise.pt", std::ios::binary);
  for (int i = 0; i < 4096; ++i) out.put(static_cast<char>(random()));
  out.close();
  expect_clear_error(dir_ / "noise.pt", "not an xnet model");
}

TEST_F(ModelFileTest, TruncatedModelIsRefused) {
  SegmentationNet net;
  ModelFile meta;
  const auto path = save_small(net, meta);
  fs::resize_file(path, fs::file_size(path) / 2);
  expect_clear_error(path, "not an xnet model");
}

TEST_F(ModelFileTest, ArchiveOfAnotherToolIsRefused) {
  // A LibTorch archive as another program would write it: weights, no xnet description.
  torch::serialize::OutputArchive archive;
  archive.write("weight", torch::randn({3, 3}));
  archive.save_to((dir_ / "foreign.pt").string());
  expect_clear_error(dir_ / "foreign.pt", "not an xnet model (no xnet metadata)");
}

}  // namespace
}  // namespace xnet::model
