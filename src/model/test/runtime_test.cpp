// The inference fast path must decide exactly as the plain eval() network does.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "model/runtime.hpp"
#include "model/test/test_networks.hpp"

namespace xnet::model {
namespace {

void expect_engine_agrees(const InferenceOptions& options, double min_agreement, double max_diff) {
  torch::manual_seed(4);
  for (const auto& spec : test::small_specs()) {
    auto net = make_network(spec);
    test::settle_batch_norm(*net, 1);
    const auto x = torch::randn({2, 1, 37, 53});
    torch::Tensor expected;
    {
      torch::NoGradGuard no_grad;
      expected = net->forward(x);
    }
    InferenceEngine engine(*net, options);
    const auto got = engine.logits(x);
    ASSERT_EQ(got.sizes(), expected.sizes()) << test::name_of(spec);
    const double agreement = (got.argmax(1) == expected.argmax(1)).to(torch::kDouble).mean().item<double>();
    EXPECT_GE(agreement, min_agreement) << test::name_of(spec);
    EXPECT_LE((got - expected).abs().max().item<double>(), max_diff) << test::name_of(spec);
  }
}

TEST(InferenceEngine, AgreesWithEvalNetworkInChannelsLast) { expect_engine_agrees({torch::kCPU, true, false}, 0.999, 1e-3); }

TEST(InferenceEngine, AgreesWithEvalNetworkInNchw) { expect_engine_agrees({torch::kCPU, false, false}, 0.999, 1e-3); }

TEST(InferenceEngine, LeavesTheSourceNetworkUntouched) {
  NetworkSpec spec;
  spec.base_filters = 4;
  auto net = make_network(spec);
  test::settle_batch_norm(*net, 1);
  const auto before = net->named_parameters()["c1.conv.weight"].clone();
  InferenceEngine engine(*net);
  EXPECT_TRUE(torch::equal(net->named_parameters()["c1.conv.weight"], before));
}

TEST(Runtime, ThreadsAndDevices) {
  configure_threads(2);
  EXPECT_EQ(torch::get_num_threads(), 2);
  EXPECT_EQ(select_device("cpu"), torch::Device(torch::kCPU));
  if (!torch::cuda::is_available()) {
    EXPECT_THROW(select_device("cuda"), Error);
    EXPECT_EQ(select_device("auto"), torch::Device(torch::kCPU));
  }
  EXPECT_THROW(select_device("tpu"), UsageError);
}

}  // namespace
}  // namespace xnet::model
