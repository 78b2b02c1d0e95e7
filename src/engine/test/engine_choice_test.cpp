// The one engine decision (engine_choice.hpp), on described CPUs: no network runs here.
#include "engine/engine_choice.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace xnet::engine {
namespace {

engine::ModelFile xnet_model(int base_filters = 16, const std::string& architecture = "xnet") {
  engine::ModelFile model;
  model.network.architecture = architecture;
  model.network.base_filters = base_filters;
  return model;
}

CpuFeatures avx2() {
  CpuFeatures cpu;
  cpu.avx2 = true;
  return cpu;
}

CpuFeatures zen5() {
  auto cpu = avx2();
  cpu.avx512 = cpu.avx512_bf16 = true;
  return cpu;
}

EngineRequest images(std::size_t n) {
  EngineRequest request;
  request.images = n;
  return request;
}

TEST(EngineChoice, FewImagesOfXNetRunOnOneDnnInFp32WithoutNativeBf16) {
  const auto choice = choose_engine(xnet_model(), images(1), avx2());
  EXPECT_EQ(choice.engine, EngineKind::onednn);
  EXPECT_EQ(choice.precision, Precision::fp32);
  EXPECT_EQ(choice.device, "cpu");
  EXPECT_FALSE(choice.winograd);
  EXPECT_EQ(choice.describe(), "oneDNN fp32");
}

TEST(EngineChoice, NativeBf16MakesAutoBf16OnLibTorchWhereLibTorchRunsAnyway) {
  const auto choice = choose_engine(xnet_model(), images(kManyImages), zen5());
  EXPECT_EQ(choice.engine, EngineKind::libtorch);
  EXPECT_EQ(choice.precision, Precision::bf16);
  EXPECT_FALSE(choice.winograd) << "Winograd weights are fp32 only";
  EXPECT_NE(choice.reason.find("avx512_bf16"), std::string::npos) << choice.reason;
  auto fp32 = images(kManyImages);
  fp32.precision = "fp32";
  EXPECT_EQ(choose_engine(xnet_model(), fp32, zen5()).precision, Precision::fp32);
  auto amx = CpuFeatures{};
  amx.amx = true;
  EXPECT_EQ(choose_engine(xnet_model(), images(0), amx).precision, Precision::bf16);
  // LibTorch already started (a command of xnet-torch), or a network only it runs: bf16 for one image.
  auto started = images(1);
  started.libtorch_loaded = true;
  EXPECT_EQ(choose_engine(xnet_model(), started, zen5()).precision, Precision::bf16);
  EXPECT_EQ(choose_engine(xnet_model(16, "segnet"), images(1), zen5()).precision, Precision::bf16);
}

TEST(EngineChoice, AFewImagesStayOnOneDnnFp32RatherThanStartLibTorchForBf16) {
  // LibTorch's start (~0.7 s) costs more than bf16 saves on a few images (~0.08 s each).
  for (const std::size_t n : {std::size_t{1}, kManyImages - 1}) {
    const auto choice = choose_engine(xnet_model(), images(n), zen5());
    EXPECT_EQ(choice.engine, EngineKind::onednn) << n;
    EXPECT_EQ(choice.precision, Precision::fp32) << n;
    EXPECT_NE(choice.reason.find("would start LibTorch"), std::string::npos) << choice.reason;
  }
  auto bf16 = images(1);
  bf16.precision = "bf16";
  EXPECT_EQ(choose_engine(xnet_model(), bf16, zen5()).engine, EngineKind::libtorch) << "as asked";
}

TEST(EngineChoice, ManyImagesGoToLibTorchsWinogradLayers) {
  for (const std::size_t n : {kManyImages, std::size_t{200}, std::size_t{0}}) {
    const auto choice = choose_engine(xnet_model(), images(n), avx2());
    EXPECT_EQ(choice.engine, EngineKind::libtorch) << n;
    EXPECT_TRUE(choice.winograd) << n;
  }
  EXPECT_EQ(choose_engine(xnet_model(), images(kManyImages - 1), avx2()).engine, EngineKind::onednn);
  auto asked = images(kWinogradImages - 1);
  asked.engine = "libtorch";
  EXPECT_FALSE(choose_engine(xnet_model(), asked, avx2()).winograd) << "too few images to pay for them";
  asked.images = kWinogradImages;
  EXPECT_TRUE(choose_engine(xnet_model(), asked, avx2()).winograd);
}

TEST(EngineChoice, NetworksOneDnnDoesNotRunGoToLibTorchOrAreRefusedWhenItIsAskedFor) {
  const auto segnet = choose_engine(xnet_model(16, "segnet"), images(1), avx2());
  EXPECT_EQ(segnet.engine, EngineKind::libtorch);
  EXPECT_NE(segnet.reason.find("segnet"), std::string::npos) << segnet.reason;
  EXPECT_EQ(choose_engine(xnet_model(16, "unet"), images(1), avx2()).engine, EngineKind::onednn)
      << "U-Net has a layer table";
  EXPECT_EQ(choose_engine(xnet_model(12), images(1), avx2()).engine, EngineKind::libtorch) << "12 filters: no channel block";
  auto onednn = images(1);
  onednn.engine = "onednn";
  EXPECT_THROW(choose_engine(xnet_model(16, "deeplab"), onednn, avx2()), UsageError);
  EXPECT_EQ(choose_engine(xnet_model(), onednn, avx2()).engine, EngineKind::onednn);
  EXPECT_EQ(choose_engine(xnet_model(), onednn, zen5()).precision, Precision::fp32) << "auto: what oneDNN runs";
  onednn.precision = "bf16";
  EXPECT_THROW(choose_engine(xnet_model(), onednn, zen5()), UsageError) << "oneDNN runs fp32 only";
}

TEST(EngineChoice, AGpuRunIsLibTorchsInFp32UnlessBf16IsAsked) {
  auto cuda = images(1);
  cuda.device = "cuda";
  auto choice = choose_engine(xnet_model(), cuda, zen5());
  EXPECT_EQ(choice.engine, EngineKind::libtorch);
  EXPECT_EQ(choice.device, "cuda");
  EXPECT_EQ(choice.precision, Precision::fp32);
  cuda.precision = "bf16";
  EXPECT_EQ(choose_engine(xnet_model(), cuda, avx2()).precision, Precision::bf16);
  auto maybe = images(1);  // auto with a LibTorch that may have a GPU: LibTorch resolves it
  maybe.cuda_available = true;
  choice = choose_engine(xnet_model(), maybe, zen5());
  EXPECT_EQ(choice.engine, EngineKind::libtorch);
  EXPECT_EQ(choice.device, "auto");
  EXPECT_EQ(choice.precision, Precision::fp32);
  cuda.engine = "onednn";
  EXPECT_THROW(choose_engine(xnet_model(), cuda, avx2()), UsageError);
}

TEST(EngineChoice, UnknownValuesAreUsageErrors) {
  for (const auto& [field, value] : {std::pair<std::string, std::string>{"engine", "onnx"}, {"precision", "fp16"},
                                     {"device", "tpu"}}) {
    auto request = images(1);
    (field == "engine" ? request.engine : field == "precision" ? request.precision : request.device) = value;
    try {
      choose_engine(xnet_model(), request, avx2());
      ADD_FAILURE() << field << " " << value << " accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(value), std::string::npos) << e.what();
    }
  }
}

TEST(CpuFeatures, AgreeWithTheKernelsFlags) {
  if (std::getenv("ONEDNN_MAX_CPU_ISA") || std::getenv("DNNL_MAX_CPU_ISA")) GTEST_SKIP() << "oneDNN's ISA is capped";
  std::ifstream info("/proc/cpuinfo");
  if (!info) GTEST_SKIP() << "no /proc/cpuinfo";
  std::string line, flags;
  while (std::getline(info, line))
    if (line.rfind("flags", 0) == 0) {
      flags = " " + line.substr(line.find(':') + 1) + " ";
      break;
    }
  const auto has = [&](const char* flag) { return flags.find(" " + std::string(flag) + " ") != std::string::npos; };
  const auto& cpu = cpu_features();
  EXPECT_EQ(cpu.avx2, has("avx2"));
  EXPECT_EQ(cpu.avx512_bf16, has("avx512_bf16")) << flags;
  if (cpu.amx) EXPECT_TRUE(has("amx_bf16"));
  EXPECT_FALSE(cpu.model_name.empty());
  EXPECT_EQ(cpu.native_bf16(), has("avx512_bf16") || has("amx_bf16"));
}

}  // namespace
}  // namespace xnet::engine
