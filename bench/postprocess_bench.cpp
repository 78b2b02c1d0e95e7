// Post-processing and collimator detection at the reference detector size (1500x1500,
// reference.md), one core: `build/bench/postprocess_bench`.
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "collimator/collimator.hpp"
#include "postprocess/overlay.hpp"
#include "postprocess/postprocess.hpp"
#include "collimator/test/phantom.hpp"

namespace {

const cv::Size full(1500, 1500);

// Smooth random class probabilities at the network's 200 px, as a softmax would give.
std::vector<cv::Mat> network_probabilities() {
  cv::RNG rng(1);
  std::vector<cv::Mat> p(3);
  cv::Mat total = cv::Mat::zeros(200, 200, CV_32F);
  for (auto& m : p) {
    m = cv::Mat(200, 200, CV_32F);
    rng.fill(m, cv::RNG::NORMAL, 0, 4);
    cv::GaussianBlur(m, m, cv::Size(0, 0), 3);
    cv::exp(m, m);
    total += m;
  }
  for (auto& m : p) m /= total;
  return p;
}

void BM_UpsampleProbabilities(benchmark::State& state) {
  const auto small = network_probabilities();
  for (auto _ : state) benchmark::DoNotOptimize(xnet::upsample_probabilities(small, full));
}

void BM_DecideLabels(benchmark::State& state) {
  const auto probabilities = xnet::upsample_probabilities(network_probabilities(), full);
  for (auto _ : state) benchmark::DoNotOptimize(xnet::decide_labels(probabilities, 0.6));
}

void BM_Postprocess(benchmark::State& state) {
  const cv::Mat labels = xnet::decide_labels(xnet::upsample_probabilities(network_probabilities(), full), 0.6);
  xnet::PostprocessOptions options;
  options.bone_dilation = int(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(xnet::postprocess(labels, options));
}

void BM_ColourOverlay(benchmark::State& state) {
  const cv::Mat labels = xnet::decide_labels(xnet::upsample_probabilities(network_probabilities(), full), 0.6);
  cv::Mat gray(full, CV_8UC1);
  cv::randu(gray, 0, 255);
  for (auto _ : state) benchmark::DoNotOptimize(xnet::colour_overlay(gray, labels));
}

void BM_CollimatorDetect(benchmark::State& state) {
  xnet::test::PhantomSpec spec;
  spec.size = full;
  spec.blades = xnet::test::rectangle_blades({760, 740}, 560, 600, 9);
  const auto phantom = xnet::test::make_phantom(spec);
  const xnet::CollimatorDetector detector;
  double iou = 0;
  for (auto _ : state) {
    const auto field = detector.detect(phantom.pixels, true);
    benchmark::DoNotOptimize(field);
    iou = xnet::field_iou(field, phantom.truth, full);
  }
  state.counters["iou"] = iou;
}

}  // namespace

BENCHMARK(BM_UpsampleProbabilities)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecideLabels)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Postprocess)->Arg(0)->Arg(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ColourOverlay)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CollimatorDetect)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  cv::setNumThreads(1);  // the figure asked for is one core
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
}
