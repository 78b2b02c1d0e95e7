// Cost of one augmented training pair (augment/augmenter.hpp) at the network input size and at
// the 2x detail size training augments from (train/sample_cache.hpp), shrink included. One
// background thread must keep up with the network step (~17 pairs/s at 128 px, base 16).
#include <benchmark/benchmark.h>

#include <random>

#include <opencv2/imgproc.hpp>

#include "augment/augmenter.hpp"

namespace {

void augment_pair(benchmark::State& state) {
  const int size = int(state.range(0));
  cv::Mat image(size, size, CV_32F), labels(size, size, CV_8U);
  cv::randu(image, 0.0f, 1.0f);
  cv::randu(labels, 0, 3);
  const xnet::Augmenter augmenter;
  std::mt19937 rng(1);
  for (auto _ : state) {
    auto pair = augmenter.apply(image, labels, rng);
    if (state.range(1) > 0) {  // back to the input size, as the batch loader does
      cv::Mat small;
      cv::resize(pair.first, small, cv::Size(size / 2, size / 2), 0, 0, cv::INTER_AREA);
      benchmark::DoNotOptimize(small.data);
    }
    benchmark::DoNotOptimize(pair.first.data);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(augment_pair)->Args({128, 0})->Args({256, 1})->Unit(benchmark::kMillisecond);

}  // namespace
