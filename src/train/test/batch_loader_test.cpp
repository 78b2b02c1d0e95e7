// Background batches: every drawn image arrives once, in order, and the batches do not depend
// on the number of workers (randomness per batch, not per thread).
#include <gtest/gtest.h>

#include "augment/augmenter.hpp"
#include "train/batch_loader.hpp"

using namespace xnet;

namespace {

std::vector<CachedSample> numbered_cache(int n, int size) {
  std::vector<CachedSample> cache(n);
  for (int i = 0; i < n; ++i) {
    cache[i].image = cv::Mat(size, size, CV_32F, cv::Scalar(i / 100.0));
    cache[i].labels = cv::Mat(size, size, CV_8U, cv::Scalar(i % 3));
    cache[i].category = "c";
  }
  return cache;
}

std::vector<Batch> drain(BatchLoader& loader) {
  std::vector<Batch> out;
  while (auto b = loader.next()) out.push_back(std::move(*b));
  return out;
}

}  // namespace

TEST(BatchLoader, DeliversTheOrderInBatches) {
  const auto cache = numbered_cache(10, 8);
  const std::vector<int> order = {3, 1, 4, 1, 5, 9, 2};
  BatchPlan plan;
  plan.batch_size = 3;
  plan.workers = 2;
  BatchLoader loader(cache, order, nullptr, plan);
  EXPECT_EQ(loader.batches(), 3);
  const auto batches = drain(loader);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[2].count, 1);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Batch& b = batches[i / 3];
    const std::size_t at = (i % 3) * 64;
    EXPECT_FLOAT_EQ(b.images[at], order[i] / 100.0f);
    EXPECT_EQ(b.labels[at], order[i] % 3);
  }
  EXPECT_FALSE(loader.next().has_value());
}

TEST(BatchLoader, AugmentedBatchesIndependentOfWorkerCount) {
  auto cache = numbered_cache(6, 24);
  for (auto& c : cache) cv::randu(c.image, 0.0, 1.0);
  const Augmenter augmenter;
  const std::vector<int> order = {0, 1, 2, 3, 4, 5, 0, 1};
  BatchPlan plan;
  plan.batch_size = 2;
  plan.seed = 9;
  plan.epoch = 4;
  plan.boundary_weight = 5.0;
  plan.workers = 1;
  BatchLoader one(cache, order, &augmenter, plan);
  plan.workers = 3;
  BatchLoader three(cache, order, &augmenter, plan);
  const auto a = drain(one), b = drain(three);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].images, b[i].images);
    EXPECT_EQ(a[i].labels, b[i].labels);
    EXPECT_EQ(a[i].weights, b[i].weights);
    EXPECT_EQ(a[i].weights.size(), a[i].images.size());
  }
  plan.epoch = 5;  // another epoch, other augmentations
  BatchLoader next_epoch(cache, order, &augmenter, plan);
  EXPECT_NE(drain(next_epoch)[0].images, a[0].images);
}

TEST(BatchLoader, AugmentsTheDetailCopyAndShrinksItToTheInputSize) {
  auto cache = numbered_cache(1, 8);  // input size 8, image 0, labels 0
  cache[0].detail_image = cv::Mat(16, 16, CV_32F);
  cache[0].detail_labels = cv::Mat(16, 16, CV_8U);
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 16; ++x) {
      // Each 2x2 block averages to (block row + block column) / 16; labels by block column.
      cache[0].detail_image.at<float>(y, x) = ((y / 2 + x / 2) + ((x + y) % 2 ? 0.25f : -0.25f)) / 16.0f;
      cache[0].detail_labels.at<std::uint8_t>(y, x) = static_cast<std::uint8_t>((x / 2) % 3);
    }
  }
  const Augmenter identity(AugmentOptions::off());
  BatchPlan plan;
  plan.batch_size = 1;
  BatchLoader loader(cache, {0}, &identity, plan);
  const auto batches = drain(loader);
  ASSERT_EQ(batches.size(), 1u);
  ASSERT_EQ(batches[0].size, 8);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 8; ++x) {
      EXPECT_NEAR(batches[0].images[y * 8 + x], (y + x) / 16.0f, 1e-6) << y << "," << x;
      EXPECT_EQ(batches[0].labels[y * 8 + x], x % 3) << y << "," << x;
    }
  }
}
