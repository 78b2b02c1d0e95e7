// Winograd F(4x4, 3x3) must compute the same convolutions as torch::conv2d.
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <ATen/Parallel.h>

#include "core/error.hpp"
#include "model/blocks.hpp"
#include "model/runtime.hpp"
#include "model/winograd.hpp"

namespace xnet::model {
namespace {

double relative_error(const torch::Tensor& got, const torch::Tensor& expected) {
  return ((got - expected).abs().max() / expected.abs().max()).item<double>();
}

// The transforms are split with at::parallel_for, an inline `#pragma omp parallel` of ATen's
// headers: built without -fopenmp it silently ran everything on the calling thread.
TEST(WinogradConv, ParallelForSpreadsOverTheThreads) {
  xnet::model::set_intra_op_threads(2);
  std::mutex mutex;
  std::set<std::thread::id> workers;
  at::parallel_for(0, 2, 1, [&](int64_t, int64_t) {
    const std::lock_guard<std::mutex> lock(mutex);
    workers.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(workers.size(), 2u);
  xnet::model::set_intra_op_threads(1);
}

TEST(WinogradConv, EqualsConv2dOnOddAndUnevenSizes) {
  torch::manual_seed(1);
  torch::InferenceMode inference;
  // Sizes that are not multiples of the 4x4 tile, a 1-pixel-wide image and batches > 1; one
  // thread and two (the tile positions' GEMMs and the transforms shared out).
  for (const int threads : {1, 2})
  for (const auto& shape : std::vector<std::vector<int64_t>>{{2, 5, 7, 9}, {3, 6, 8, 8}, {1, 3, 13, 1}, {2, 4, 17, 22}}) {
    xnet::model::set_intra_op_threads(threads);
    const auto x = torch::randn(shape);
    const auto w = torch::randn({7, shape[1], 3, 3});
    const auto b = torch::randn({7});
    const WinogradConv conv(w, b);
    const auto expected = torch::conv2d(x, w, b, 1, 1);
    const auto got = conv.forward(x, false);
    ASSERT_EQ(got.sizes(), expected.sizes());
    EXPECT_LT(relative_error(got, expected), 1e-5) << shape << " threads " << threads;
    EXPECT_LT(relative_error(conv.forward(x, true), torch::relu(expected)), 1e-5) << shape << " threads " << threads;
  }
}

TEST(WinogradConv, InterleavedPhasesEqualConvOfNearestUpsampled) {
  torch::manual_seed(2);
  torch::InferenceMode inference;
  for (const int threads : {1, 2})
  for (const auto& shape : std::vector<std::vector<int64_t>>{{2, 5, 7, 9}, {1, 3, 4, 4}, {1, 2, 1, 6}}) {
    xnet::model::set_intra_op_threads(threads);
    const auto x = torch::randn(shape);
    const auto w = torch::randn({6, shape[1], 3, 3});
    const auto b = torch::randn({6});
    const WinogradConv conv(phase_weight(w), b.repeat({4}));
    const auto up = torch::upsample_nearest2d(x, {2 * shape[2], 2 * shape[3]});
    const auto expected = torch::conv2d(up, w, b, 1, 1);
    const auto got = conv.forward_interleaved(x, false);
    ASSERT_EQ(got.sizes(), expected.sizes());
    EXPECT_LT(relative_error(got, expected), 1e-5) << shape;
  }
}

TEST(WinogradConv, RejectsOtherKernelsAndWrongInputs) {
  EXPECT_THROW(WinogradConv(torch::randn({2, 2, 5, 5}), torch::randn({2})), Error);
  const WinogradConv conv(torch::randn({2, 3, 3, 3}), torch::randn({2}));
  EXPECT_THROW(conv.forward_interleaved(torch::randn({1, 3, 8, 8}), false), Error);
  EXPECT_THROW(conv.forward(torch::randn({1, 4, 8, 8}), false), Error);
  EXPECT_THROW(conv.forward(torch::randn({1, 3, 8, 8}, torch::kDouble), false), Error);
}

// The folded block takes the Winograd path at these channel counts and sizes, and must still
// give the eval-mode output of conv -> batch norm -> relu.
TEST(WinogradConv, FoldedBlocksTakingItMatchTheEvalBlock) {
  torch::manual_seed(3);
  for (const bool upsampled : {false, true}) {
    xnet::model::set_intra_op_threads(1);
    ASSERT_TRUE(winograd_pays(128, 12, 12, upsampled ? 2 : 3));
    ConvBlock block(ConvBlockOptions{128, 24, 3, 1, upsampled});
    block->train();
    {
      torch::NoGradGuard no_grad;
      for (int i = 0; i < 3; ++i) block->forward(torch::randn({2, 128, 12, 12}) + 0.5);  // settle running stats
    }
    block->eval();
    const auto x = torch::randn({2, 128, 12, 12});
    torch::Tensor expected;
    {
      torch::NoGradGuard no_grad;
      expected = block->forward(x);
    }
    block->fold_batch_norm(torch::TensorOptions().dtype(torch::kFloat), torch::MemoryFormat::Contiguous);
    torch::InferenceMode inference;
    const auto got = block->forward(x);
    ASSERT_EQ(got.sizes(), expected.sizes());
    EXPECT_LT(relative_error(got, expected), 1e-4) << upsampled;
  }
}

}  // namespace
}  // namespace xnet::model
