// Throughput of the evaluation accumulators on one 1024x1024 image (pixels per second).
#include <benchmark/benchmark.h>

#include <random>

#include "metrics/metrics.hpp"
#include "metrics/soft_tissue_threshold.hpp"

namespace {

struct Image {
  cv::Mat truth, predicted;
  std::vector<cv::Mat> probabilities;
};

Image random_image(int classes, int size) {
  Image im;
  im.truth.create(size, size, CV_8U);
  im.predicted.create(size, size, CV_8U);
  cv::randu(im.truth, 0, classes);
  cv::Mat sum = cv::Mat::zeros(size, size, CV_32F);
  for (int k = 0; k < classes; ++k) {
    cv::Mat p(size, size, CV_32F);
    cv::randu(p, 0.0f, 1.0f);
    sum += p;
    im.probabilities.push_back(p);
  }
  for (auto& p : im.probabilities) p /= sum;
  im.predicted = im.truth.clone();
  return im;
}

void metrics_add(benchmark::State& state) {
  const int classes = int(state.range(0));
  const Image im = random_image(classes, 1024);
  xnet::metrics::MetricsAccumulator acc(classes);
  for (auto _ : state) acc.add(im.truth, im.predicted, im.probabilities, "bench");
  state.SetItemsProcessed(state.iterations() * im.truth.total());
}
BENCHMARK(metrics_add)->Arg(3)->Arg(4)->Unit(benchmark::kMillisecond);

void soft_tissue_threshold_add(benchmark::State& state) {
  const Image im = random_image(3, 1024);
  xnet::metrics::SoftTissueThresholdSearch search(3);
  for (auto _ : state) search.add(im.probabilities, im.truth, "bench");
  state.SetItemsProcessed(state.iterations() * im.truth.total());
}
BENCHMARK(soft_tissue_threshold_add)->Unit(benchmark::kMillisecond);

void metrics_result(benchmark::State& state) {
  const Image im = random_image(4, 256);
  xnet::metrics::MetricsAccumulator acc(4);
  acc.add(im.truth, im.predicted, im.probabilities, "bench");
  for (auto _ : state) benchmark::DoNotOptimize(xnet::metrics::to_json(acc.result()));
}
BENCHMARK(metrics_result)->Unit(benchmark::kMillisecond);

}  // namespace
