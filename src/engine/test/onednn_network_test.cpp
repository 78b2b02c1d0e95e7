// model.pt read without LibTorch gives LibTorch's own tensors, and the networks with a layer
// table on oneDNN give the logits of LibTorch's eval() network, for every upsampling; what this
// engine cannot run is refused, not guessed.
#include <gtest/gtest.h>

#include <cmath>

#include <unistd.h>

#include <fstream>
#include <thread>

#include "engine/model_archive.hpp"
#include "engine/onednn_network.hpp"
#include "model/model_file.hpp"
#include "model/test/test_networks.hpp"

namespace xnet::engine {
namespace {

namespace fs = std::filesystem;

class OneDnnNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("onednn_network_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A settled (trained-like batch norm) network saved as model.pt.
  fs::path save(const engine::NetworkSpec& spec, model::SegmentationNet& net, const std::string& name = "model.pt") {
    torch::manual_seed(11);
    net = model::make_network(spec);
    model::test::settle_batch_norm(*net, spec.input_channels);
    engine::ModelFile meta;
    meta.network = spec;
    meta.input_size = 64;
    meta.classes = {"open_beam", "soft_tissue", "bone"};
    meta.calibration = {{"temperature", 1.7}};
    const auto path = dir_ / name;
    model::save_model(path, meta, *net);
    return path;
  }

  static engine::NetworkSpec xnet(int base_filters) {
    engine::NetworkSpec spec;
    spec.base_filters = base_filters;
    return spec;
  }

  fs::path dir_;
};

TEST_F(OneDnnNetworkTest, ArchiveGivesLibTorchsTensorsAndDescription) {
  model::SegmentationNet net;
  const auto path = save(xnet(4), net);
  const ModelArchive archive(path);
  EXPECT_EQ(archive.description().network.base_filters, 4);
  EXPECT_DOUBLE_EQ(archive.description().calibration["temperature"].get<double>(), 1.7);
  std::size_t floats = 0;
  for (const auto& item : net->named_parameters()) {
    const auto& name = item.key();
    const auto& tensor = item.value();
    ASSERT_TRUE(archive.has_tensor(name)) << name;
    const auto read = archive.read_float(name);
    ASSERT_EQ(read.shape, tensor.sizes().vec()) << name;
    const auto expected = tensor.contiguous();
    ASSERT_EQ(0, std::memcmp(read.values.data(), expected.data_ptr<float>(), read.values.size() * 4)) << name;
    floats += read.values.size();
  }
  for (const auto& item : net->named_buffers()) {
    const auto& name = item.key();
    const auto& tensor = item.value();
    if (tensor.scalar_type() != torch::kFloat) continue;  // num_batches_tracked
    const auto read = archive.read_float(name);
    EXPECT_EQ(0, std::memcmp(read.values.data(), tensor.contiguous().data_ptr<float>(), read.values.size() * 4)) << name;
  }
  EXPECT_EQ(static_cast<int64_t>(floats), model::count_trainable_parameters(*net));
}

TEST_F(OneDnnNetworkTest, LogitsMatchLibTorchAtOddSizesForEveryTabledNetwork) {
  const int base = onednn_channel_block();  // the narrowest network this CPU's engine runs
  std::vector<engine::NetworkSpec> specs;
  for (const char* up : {"nearest", "bilinear", "transposed"}) {
    auto spec = xnet(base);
    spec.upsampling = up;
    specs.push_back(spec);
    for (int depth : {1, 3, 4}) {
      auto unet = xnet(base);
      unet.architecture = "unet";
      unet.depth = depth;
      unet.upsampling = up;
      specs.push_back(unet);
    }
  }
  auto wide_kernel = xnet(base);
  wide_kernel.kernel_size = 5;  // phase kernels of 3x3 taps, padding 1
  specs.push_back(wide_kernel);
  for (const auto& spec : specs) {
    const auto label = spec.architecture + "/" + spec.upsampling + " depth " + std::to_string(spec.depth) + " k" +
                       std::to_string(spec.kernel_size);
    model::SegmentationNet net;
    const auto path = save(spec, net);
    const auto engine = onednn_engine(path, {"cpu", 2, 1});
    EXPECT_EQ(engine->choice().engine, EngineKind::onednn);
    EXPECT_EQ(engine->model().network.base_filters, base);
    torch::NoGradGuard no_grad;
    for (const auto& size : {cv::Size(64, 64), cv::Size(53, 37), cv::Size(9, 17)}) {
      cv::Mat input(size, CV_32F);
      cv::randn(input, 0.0, 1.0);
      const auto maps = engine->logits(input);
      const auto expected = net->forward(torch::from_blob(input.data, {1, 1, size.height, size.width}).clone());
      ASSERT_EQ(maps.size(), 3u);
      const double scale = expected.abs().max().item<double>();
      for (int c = 0; c < 3; ++c) {
        ASSERT_EQ(maps[c].size(), size);
        const auto got = torch::from_blob(maps[c].data, {size.height, size.width}).clone();
        const double error = (got - expected[0][c]).abs().max().item<double>();
        EXPECT_LT(error, 1e-4 * scale + 1e-5) << label << " " << size << " class " << c << " scale " << scale;
      }
    }
  }
}

// A batch runs one engine from several workers at once, each on its own threads.
TEST_F(OneDnnNetworkTest, WorkersSideBySideGetTheSameLogits) {
  model::SegmentationNet net;
  const auto engine = onednn_engine(save(xnet(onednn_channel_block()), net), {"cpu", 2, 4});
  cv::Mat input(64, 64, CV_32F);
  cv::randn(input, 0.0, 1.0);
  const auto alone = engine->logits(input);
  std::vector<std::vector<cv::Mat>> got(2);
  std::vector<std::thread> workers;
  for (int w = 0; w < 2; ++w)
    workers.emplace_back([&, w] {
      engine->use_threads(1);
      for (int i = 0; i < 3; ++i) got[w] = engine->logits(input);
    });
  for (auto& t : workers) t.join();
  for (const auto& maps : got)
    for (int c = 0; c < 3; ++c) EXPECT_LT(cv::norm(maps[c], alone[c], cv::NORM_INF), 1e-4) << c;
}

// Weights that contradict the description go to LibTorch, whose load names the mismatch.
TEST_F(OneDnnNetworkTest, WeightsOfAnotherWidthAreRefused) {
  model::SegmentationNet net;
  const int base = onednn_channel_block();
  const auto path = save(xnet(2 * base), net);
  // The same weights described as half as wide.
  {
    auto loaded = model::load_model(path);
    loaded.meta.network.base_filters = base;
    torch::serialize::OutputArchive archive;
    archive.write(engine::kMagicRecord, c10::IValue(std::string(engine::kMagic)));
    archive.write(engine::kVersionRecord, c10::IValue(static_cast<int64_t>(engine::kModelFormatVersion)));
    archive.write(engine::kDescriptionRecord, c10::IValue(nlohmann::json(loaded.meta).dump()));
    loaded.net->save(archive);
    archive.save_to((dir_ / "lying.pt").string());
  }
  EXPECT_THROW(onednn_engine(dir_ / "lying.pt", {}), ArchiveError);
}

TEST_F(OneDnnNetworkTest, RefusesWhatItDoesNotRun) {
  model::SegmentationNet net;
  const int base = onednn_channel_block();
  auto segnet = xnet(base);
  segnet.architecture = "segnet";
  segnet.depth = 3;
  auto deeplab = xnet(base);
  deeplab.architecture = "deeplab";
  deeplab.depth = 3;
  for (const auto& spec : {segnet, deeplab, xnet(4)}) {
    const auto path = save(spec, net, spec.architecture + spec.upsampling + ".pt");
    EXPECT_FALSE(onednn_unsupported(ModelArchive(path).description()).empty());
    EXPECT_THROW(onednn_engine(path, {}), ArchiveError) << spec.architecture << " " << spec.upsampling;
  }
  const auto path = save(xnet(base), net);
  EXPECT_THROW(onednn_engine(path, {"cuda", 1, 1}), ArchiveError);
}

// A damaged or non-finite weight is the user's problem to hear of, not a case for handing the
// file to LibTorch (an ArchiveError): the error names the file and the tensor.
TEST_F(OneDnnNetworkTest, CorruptOrNonFiniteWeightsAreErrorsNotHandOffs) {
  model::SegmentationNet net;
  const auto path = save(xnet(onednn_channel_block()), net);
  const auto expect_error = [](const fs::path& file, const std::string& what) {
    try {
      onednn_engine(file, {});
      FAIL() << file;
    } catch (const ArchiveError& e) {
      FAIL() << "handed on: " << e.what();
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto weight = net->named_parameters()["c1.conv.weight"].contiguous();
  const auto at = bytes.find(std::string(static_cast<const char*>(weight.data_ptr()), 16));
  ASSERT_NE(at, std::string::npos);
  bytes[at + 3] ^= 0x01;
  std::ofstream(dir_ / "flipped.pt", std::ios::binary) << bytes;
  expect_error(dir_ / "flipped.pt", "c1.conv.weight");
  expect_error(dir_ / "flipped.pt", "CRC-32");
  {
    torch::NoGradGuard no_grad;
    net->named_parameters()["c1.conv.bias"][0] = INFINITY;
  }
  engine::ModelFile meta = ModelArchive(path).description();
  model::save_model(dir_ / "infinite.pt", meta, *net);
  expect_error(dir_ / "infinite.pt", "c1.conv.bias holds NaN or infinite weights");
}

TEST_F(OneDnnNetworkTest, NamesTheFileOfWhatIsNoModel) {
  const auto text = dir_ / "notes.pt";
  std::ofstream(text) << "not a zip";
  try {
    ModelArchive archive(text);
    FAIL();
  } catch (const ArchiveError&) {
    FAIL() << "a file that is no archive at all is an error for the user, not a case for LibTorch";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(text.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not an xnet model"), std::string::npos) << e.what();
  }
  // A LibTorch archive without xnet's records.
  const auto plain = dir_ / "plain.pt";
  torch::serialize::OutputArchive other;
  other.write("weight", torch::ones({2}));
  other.save_to(plain.string());
  try {
    ModelArchive archive(plain);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not an xnet model"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace xnet::engine
