// model.pt: round trip, and a clear error naming the file for anything that is not one.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <tuple>

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
  fs::path save_small(SegmentationNet& net, engine::ModelFile& meta) {
    engine::NetworkSpec spec;
    spec.base_filters = 4;
    spec.classes = 4;
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
  engine::ModelFile meta;
  const auto path = save_small(net, meta);
  const auto loaded = load_model(path);
  EXPECT_EQ(nlohmann::json(loaded.meta.network), nlohmann::json(net->spec()));
  EXPECT_EQ(loaded.meta.classes, meta.classes);
  EXPECT_EQ(loaded.meta.input_size, 64);
  EXPECT_EQ(loaded.meta.calibration, meta.calibration);
  EXPECT_EQ(loaded.meta.provenance, meta.provenance);
  EXPECT_EQ(loaded.meta.format_version, engine::kModelFormatVersion);
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
  engine::ModelFile meta;
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

// Byte offset of `tensor`'s first 16 stored bytes in the file (its storage record).
std::size_t offset_of(const std::string& bytes, const torch::Tensor& tensor) {
  const auto t = tensor.contiguous();
  const std::string pattern(static_cast<const char*>(t.data_ptr()), 16);
  const auto at = bytes.find(pattern);
  EXPECT_NE(at, std::string::npos);
  return at;
}

// A model file whose description says what the test wants, over the net's own weights.
void save_with_description(const fs::path& path, const nlohmann::json& description, SegmentationNetImpl& net) {
  torch::serialize::OutputArchive archive;
  archive.write(engine::kMagicRecord, c10::IValue(std::string(engine::kMagic)));
  archive.write(engine::kVersionRecord, c10::IValue(static_cast<int64_t>(engine::kModelFormatVersion)));
  archive.write(engine::kDescriptionRecord, c10::IValue(description.dump()));
  net.save(archive);
  archive.save_to(path.string());
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST_F(ModelFileTest, OneFlippedByteInAWeightIsRefused) {
  SegmentationNet net;
  engine::ModelFile meta;
  const auto path = save_small(net, meta);
  auto bytes = file_bytes(path);
  const auto weight = net->named_parameters()[net->named_parameters().keys()[0]];
  bytes[offset_of(bytes, weight) + 5] ^= 0x10;  // the zip's CRC-32 no longer matches
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  expect_clear_error(path, "corrupt (its CRC-32 does not match");
}

TEST_F(ModelFileTest, NonFiniteWeightsAreRefused) {
  SegmentationNet net;
  engine::ModelFile meta;
  const auto path = save_small(net, meta);
  {
    torch::NoGradGuard no_grad;
    net->named_parameters()[net->named_parameters().keys()[2]].view({-1})[1] = NAN;
  }
  save_model(path, meta, *net);
  expect_clear_error(path, "holds NaN or infinite weights");
}

// LibTorch's Module::load takes a stored tensor of any shape: a description that says 5x5
// kernels over weights of 3x3 ones must be refused, not run.
TEST_F(ModelFileTest, WeightsOfAnotherShapeThanDescribedAreRefused) {
  SegmentationNet net;
  engine::ModelFile meta;
  save_small(net, meta);
  engine::ModelFile described = meta;
  described.network = net->spec();
  described.network.kernel_size = 5;
  save_with_description(dir_ / "mismatch.pt", described, *net);
  expect_clear_error(dir_ / "mismatch.pt", "weights do not match the described network");
}

TEST_F(ModelFileTest, ImpossibleSizesInTheDescriptionAreRefused) {
  SegmentationNet net;
  engine::ModelFile meta;
  save_small(net, meta);
  for (const auto& [field, value, message] :
       {std::tuple{"input_size", 8192, "an input size of 8192, outside 8..1024"},
        std::tuple{"base_filters", 100000, "base filters of 100000"}, std::tuple{"classes", 40, "a class count of 40"}}) {
    nlohmann::json described = meta;
    described["network"] = net->spec();
    if (std::string(field) == "input_size") described["input_size"] = value;
    else described["network"][field] = value;
    const auto path = dir_ / (std::string(field) + ".pt");
    save_with_description(path, described, *net);
    expect_clear_error(path, message);
  }
}

}  // namespace
}  // namespace xnet::model

namespace xnet::model {
namespace {

TEST_F(ModelFileTest, InfoCommandDescribesTheModel) {
  SegmentationNet net;
  engine::ModelFile meta;
  const auto path = save_small(net, meta);
  const std::string command = std::string(XNET_BINARY) + " info " + path.string() + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe)) out += buf;
  EXPECT_EQ(pclose(pipe), 0) << out;
  for (const std::string& expected : std::vector<std::string>{"xnet (base filters 4", std::to_string(count_trainable_parameters(*net)) + " trainable",
                                         "64x64", "open_beam, soft_tissue, bone, collimator", "\"temperature\":1.3", "\"epochs\":3"})
    EXPECT_NE(out.find(expected), std::string::npos) << expected << "\n" << out;
}

}  // namespace
}  // namespace xnet::model
