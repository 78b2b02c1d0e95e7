// The model zoo: parameter counts, any input size, gradients, determinism, FLOP counts.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "model/blocks.hpp"
#include "model/network.hpp"
#include "model/test/test_networks.hpp"

namespace xnet::model {
namespace {

TEST(Network, XNetDefaultsHaveTheReferenceParameterCount) {
  // reference.md: 11,734,851 trainable parameters with filters 64..512, 1 channel, 3 classes.
  EXPECT_EQ(count_trainable_parameters(*make_network(NetworkSpec{})), 11734851);
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
  NetworkSpec spec;
  spec.base_filters = 4;
  // XNet: 14 conv blocks and the 1x1 head (reference.md).
  EXPECT_EQ(make_network(spec)->convolution_weights().size(), 15u);
}

TEST(Network, GflopMatchesTheReferenceAndAHandCount) {
  // reference.md: about 66 GFLOP per 200x200 image forward.
  const double gflop = gflop_per_image(NetworkSpec{}, 200, 200);
  EXPECT_GT(gflop, 65.0);
  EXPECT_LT(gflop, 68.0);
  NetworkSpec tiny;
  tiny.architecture = "unet";
  tiny.depth = 1;
  tiny.base_filters = 4;
  // conv 1->4 and 4->4 (3x3) and head 4->3 (1x1) on 10x10: 2*(36 + 144 + 12)*100.
  EXPECT_DOUBLE_EQ(gflop_per_image(tiny, 10, 10), 2.0 * (36 + 144 + 12) * 100 / 1e9);
}

TEST(Network, SpecRoundTripsThroughJsonAndResolvesItsUpsampling) {
  NetworkSpec spec;
  spec.architecture = "segnet";
  spec.base_filters = 16;
  spec.depth = 3;
  const auto back = nlohmann::json(spec).get<NetworkSpec>();
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
