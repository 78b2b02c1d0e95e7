// The model zoo and the layer table it is built from: parameter counts, any input size, gradients, determinism, FLOP counts.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/error.hpp"
#include "engine/network_layers.hpp"
#include "model/blocks.hpp"
#include "model/network.hpp"
#include "model/test/test_networks.hpp"

namespace xnet::model {
namespace {

TEST(Network, XNetDefaultsHaveTheReferenceParameterCount) {
  // reference.md: 11,734,851 trainable parameters with filters 64..512, 1 channel, 3 classes.
  EXPECT_EQ(count_trainable_parameters(*make_network(engine::NetworkSpec{})), 11734851);
}

TEST(Network, EveryArchitectureAndUpsamplingKeepsOddInputSizes) {
  torch::manual_seed(1);
  for (auto spec : test::small_specs()) {
    spec.input_channels = 2;
    spec.classes = 4;
    auto net = make_network(spec);
    net->eval();
    torch::NoGradGuard no_grad;
    const auto y = net->forward(torch::randn({2, 2, 37, 53}));
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 4, 37, 53})) << test::name_of(spec);
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>()) << test::name_of(spec);
  }
}

TEST(Network, EveryParameterGetsAGradient) {
  torch::manual_seed(2);
  for (const auto& spec : test::small_specs()) {
    auto net = make_network(spec);
    net->train();
    const auto logits = net->forward(torch::randn({2, 1, 21, 19}));
    const auto labels = torch::randint(0, 3, {2, 21, 19}, torch::kLong);
    torch::nn::functional::cross_entropy(logits, labels).backward();
    for (const auto& p : net->named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << test::name_of(spec) << " " << p.key();
      // Biases right before a batch norm cancel out: their gradient is exactly zero.
      if (p.value().dim() > 1)
        EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << test::name_of(spec) << " " << p.key();
    }
  }
}

TEST(Network, EvalModeIsDeterministic) {
  for (const auto& spec : test::small_specs()) {
    auto net = make_network(spec);
    test::settle_batch_norm(*net, 1);
    torch::NoGradGuard no_grad;
    const auto x = torch::randn({1, 1, 30, 26});
    EXPECT_TRUE(torch::equal(net->forward(x), net->forward(x))) << test::name_of(spec);
  }
}

// The inference pooling (strided maxima) must give max_pool2d's values on every size and
// layout, ties included; with autograd it must still pass gradients like max_pool2d.
TEST(Network, PoolEqualsMaxPool2d) {
  torch::manual_seed(4);
  for (const auto& shape : std::vector<std::vector<int64_t>>{{1, 3, 8, 6}, {2, 5, 7, 9}, {1, 2, 3, 5}, {1, 4, 3, 2}}) {
    const auto x = torch::randint(0, 4, shape).to(torch::kFloat);  // many ties
    for (const bool channels_last : {false, true}) {
      const auto input = channels_last ? x.contiguous(torch::MemoryFormat::ChannelsLast) : x;
      torch::NoGradGuard no_grad;
      const auto got = pool(input);
      const auto expected = torch::max_pool2d(x, 2);
      ASSERT_EQ(got.sizes(), expected.sizes()) << shape;
      EXPECT_TRUE(torch::equal(got.contiguous(), expected)) << shape << " channels_last " << channels_last;
    }
  }
  {
    torch::NoGradGuard no_grad;
    EXPECT_THROW(pool(torch::zeros({1, 2, 1, 5})), c10::Error);  // as max_pool2d: too small
  }
  const auto leaf = torch::randn({1, 2, 6, 6}, torch::requires_grad());
  pool(leaf).sum().backward();
  EXPECT_EQ(leaf.grad().sum().item<float>(), 2 * 3 * 3);  // one maximum per window
}

// Without autograd a 1x1 convolution (the heads) runs as a GEMM: same values as the conv.
TEST(Network, PointwiseConvolutionWithoutAutogradEqualsTheConv) {
  torch::manual_seed(5);
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(6, 3, 1));
  const auto x = torch::randn({2, 6, 7, 5});
  const auto expected = conv->forward(x).detach();
  torch::NoGradGuard no_grad;
  for (auto& p : conv->parameters()) p.requires_grad_(false);
  const auto got = counted_conv(conv, x);
  ASSERT_EQ(got.sizes(), expected.sizes());
  EXPECT_TRUE(torch::allclose(got, expected, 1e-5, 1e-6));
}

TEST(Network, UpsampledConvolutionEqualsConvolutionOfNearestUpsampling) {
  torch::manual_seed(3);
  for (int kernel : {1, 3, 5}) {
    ConvBlock fused(ConvBlockOptions{3, 5, kernel, 1, true});
    ConvBlock plain(ConvBlockOptions{3, 5, kernel});
    {
      torch::NoGradGuard no_grad;
      for (const auto& p : fused->named_parameters()) plain->named_parameters()[p.key()].copy_(p.value());
    }
    const auto x = torch::randn({2, 3, 7, 9});
    for (bool channels_last : {false, true}) {
      const auto input = channels_last ? x.contiguous(torch::MemoryFormat::ChannelsLast) : x;
      const auto expected = plain(torch::upsample_nearest2d(input, {14, 18}));
      EXPECT_TRUE(torch::allclose(fused(input), expected, 1e-4, 1e-5)) << "kernel " << kernel;
    }
  }
}

TEST(Network, ConvolutionWeightsAreThoseOfEveryConvolution) {
  engine::NetworkSpec spec;
  spec.base_filters = 4;
  // XNet: 14 conv blocks and the 1x1 head (reference.md).
  EXPECT_EQ(make_network(spec)->convolution_weights().size(), 15u);
}

TEST(Network, GflopMatchesTheReferenceAndAHandCount) {
  // reference.md: about 66 GFLOP per 200x200 image forward.
  const double gflop = gflop_per_image(engine::NetworkSpec{}, 200, 200);
  EXPECT_GT(gflop, 65.0);
  EXPECT_LT(gflop, 68.0);
  engine::NetworkSpec tiny;
  tiny.architecture = "unet";
  tiny.depth = 1;
  tiny.base_filters = 4;
  // conv 1->4 and 4->4 (3x3) and head 4->3 (1x1) on 10x10: 2*(36 + 144 + 12)*100.
  EXPECT_DOUBLE_EQ(gflop_per_image(tiny, 10, 10), 2.0 * (36 + 144 + 12) * 100 / 1e9);
}

TEST(Network, SpecRoundTripsThroughJsonAndResolvesItsUpsampling) {
  engine::NetworkSpec spec;
  spec.architecture = "segnet";
  spec.base_filters = 16;
  spec.depth = 3;
  const auto back = nlohmann::json(spec).get<engine::NetworkSpec>();
  EXPECT_EQ(nlohmann::json(back), nlohmann::json(spec));
  EXPECT_EQ(resolve(spec).upsampling, "unpool");
  spec.architecture = "xnet";
  spec.depth = 4;
  spec.upsampling = "unpool";
  EXPECT_THROW(resolve(spec), UsageError);
  spec.architecture = "resnet";
  EXPECT_THROW(resolve(spec), UsageError);
}

}  // namespace
}  // namespace xnet::model

namespace xnet::model {
namespace {

TEST(Network, GflopIsCountedForEveryArchitectureAndUpsampling) {
  for (const auto& spec : test::small_specs()) {
    const double small = gflop_per_image(spec, 37, 53), large = gflop_per_image(spec, 74, 106);
    EXPECT_GT(small, 0.0) << test::name_of(spec);
    // Twice the side, four times the pixels: at least 3.5x the work (padding aside).
    EXPECT_GT(large, 3.5 * small) << test::name_of(spec);
  }
}

}  // namespace
}  // namespace xnet::model

namespace xnet::engine {
namespace {

// The table as reference.md writes XNet: a = C(.), P = pool, u = C(U .), [x, y] = concat.
std::string diagram(const LayerTable& table) {
  std::string text;
  for (const auto& layer : table.layers) {
    switch (layer.kind) {
      case LayerKind::block: text += layer.name + "=C" + std::to_string(layer.out); break;
      case LayerKind::up_block: text += layer.name + "=CU" + std::to_string(layer.out); break;
      case LayerKind::pool: text += "P"; break;
      case LayerKind::concat: text += "[" + std::to_string(layer.out) + "]"; break;
      case LayerKind::head: text += "head" + std::to_string(layer.out); break;
    }
    text += "@" + std::to_string(layer.level) + " ";
  }
  return text;
}

TEST(LayerTable, XNetIsReferenceMdsLayerSequence) {
  const auto table = layer_table(engine::NetworkSpec{});
  EXPECT_EQ(diagram(table),
            "c1=C64@0 P@1 c2=C128@1 P@2 c3=C256@2 P@3 c4=C512@3 c5=C512@3 u6=CU256@2 [512]@2 u7=CU128@1 [256]@1 "
            "c8=C128@1 P@2 c9=C256@2 P@3 c10=C512@3 c11=C512@3 u12=CU256@2 [512]@2 u13=CU128@1 [256]@1 "
            "u14=CU64@0 [128]@0 head3@0 ");
  EXPECT_EQ(table.size_multiple, 8);
  // The skips: c6 = [a3, u6], c13 = [a8, u13], c14 = [a1, u14].
  const auto& layers = table.layers;
  auto named = [&](const std::string& name) {
    for (std::size_t i = 0; i < layers.size(); ++i)
      if (layers[i].name == name) return static_cast<int>(i);
    return -2;
  };
  EXPECT_EQ(layers[named("u6") + 1].inputs, (std::vector<int>{named("c3"), named("u6")}));
  EXPECT_EQ(layers[named("u13") + 1].inputs, (std::vector<int>{named("c8"), named("u13")}));
  EXPECT_EQ(layers[named("u14") + 1].inputs, (std::vector<int>{named("c1"), named("u14")}));
  EXPECT_EQ(layers.back().inputs, (std::vector<int>{named("u14") + 1}));
}

// model.pt files written before the table hold these names; LibTorch's load needs them all.
TEST(LayerTable, UNetModulesKeepTheParameterNamesOfEarlierModelFiles) {
  engine::NetworkSpec spec;
  spec.architecture = "unet";
  spec.depth = 2;
  spec.base_filters = 4;
  std::set<std::string> names;
  for (const auto& p : model::make_network(spec)->named_parameters()) names.insert(p.key());
  std::set<std::string> expected{"head.weight", "head.bias", "up0.transposed.weight", "up0.transposed.bias"};
  for (const char* block : {"down0.0", "down0.1", "down1.0", "down1.1", "up0.block", "merge0.0", "merge0.1"})
    for (const char* p : {".conv.weight", ".conv.bias", ".norm.weight", ".norm.bias"}) expected.insert(block + std::string(p));
  EXPECT_EQ(names, expected);
  EXPECT_EQ(diagram(layer_table(spec)), "down0.0=C4@0 down0.1=C4@0 P@1 down1.0=C8@1 down1.1=C8@1 up0=CU4@0 [8]@0 "
                                        "merge0.0=C4@0 merge0.1=C4@0 head3@0 ");
}

TEST(LayerTable, PhaseKernelsSumTheTapsThatLandOnOneLowResolutionPixel) {
  // 3x3 (reference.md's kernel): row a = 0 sees rows (w0, w1 + w2), a = 1 sees (w0 + w1, w2).
  std::vector<float> w(9);
  for (int i = 0; i < 9; ++i) w[i] = static_cast<float>(1 << i);
  const auto phases = phase_kernels(w, 1, 1, 3);
  ASSERT_EQ(phases.size(), 16u);
  auto at = [&](int p, int u, int v) { return phases[p * 4 + u * 2 + v]; };
  EXPECT_EQ(at(0, 0, 0), w[0]);
  EXPECT_EQ(at(0, 1, 1), w[4] + w[5] + w[7] + w[8]);
  EXPECT_EQ(at(3, 0, 0), w[0] + w[1] + w[3] + w[4]);
  EXPECT_EQ(at(1, 0, 0), w[0] + w[1]);
  EXPECT_EQ(at(1, 0, 1), w[2]);
  EXPECT_EQ(phase_offset(0, 3), 0);
  EXPECT_EQ(phase_offset(1, 3), 1);
  // Every tap lands in exactly one place of each phase.
  for (int k : {1, 3, 5, 7}) {
    const auto matrix = phase_tap_matrix(k);
    const int t2 = phase_taps(k) * phase_taps(k);
    for (int p = 0; p < 4; ++p)
      for (int tap = 0; tap < k * k; ++tap) {
        float sum = 0;
        for (int u = 0; u < t2; ++u) sum += matrix[(p * t2 + u) * k * k + tap];
        EXPECT_EQ(sum, 1.0f) << "k " << k << " phase " << p << " tap " << tap;
      }
  }
}

TEST(LayerTable, FoldedBatchNormIsTheNormOfTheConvolution) {
  std::vector<float> weight{1, 2, 3, 4}, bias{0.5f, -1};
  fold_batch_norm(weight, bias, {2, 0.5f}, {0.1f, 0.2f}, {1, -1}, {3, 0});
  const float s0 = 2 / std::sqrt(3 + kBatchNormEps), s1 = 0.5f / std::sqrt(kBatchNormEps);
  EXPECT_FLOAT_EQ(weight[1], 2 * s0);
  EXPECT_FLOAT_EQ(weight[3], 4 * s1);
  EXPECT_FLOAT_EQ(bias[0], (0.5f - 1) * s0 + 0.1f);
  EXPECT_FLOAT_EQ(bias[1], (-1 + 1) * s1 + 0.2f);
}

}  // namespace
}  // namespace xnet::engine
