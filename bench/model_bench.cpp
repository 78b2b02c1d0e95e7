// Forward, inference-engine and training-step timings of the networks (not run by ctest):
//   build/bench/model_bench --benchmark_filter=XNet
// Arguments: base filters, input size. Figures for the README come from `xnet bench` instead,
// run side by side with the PyTorch anchor.
#include <benchmark/benchmark.h>

#include "model/network.hpp"
#include "model/runtime.hpp"

namespace {

using xnet::engine::NetworkSpec;

NetworkSpec spec_of(const std::string& architecture, int base) {
  NetworkSpec spec;
  spec.architecture = architecture;
  spec.base_filters = base;
  return spec;
}

void eval_forward(benchmark::State& state, const std::string& architecture) {
  auto net = xnet::model::make_network(spec_of(architecture, state.range(0)));
  net->eval();
  const auto x = torch::randn({1, 1, state.range(1), state.range(1)});
  torch::InferenceMode inference;
  for (auto _ : state) benchmark::DoNotOptimize(net->forward(x));
}

void engine_forward(benchmark::State& state, const std::string& architecture) {
  auto net = xnet::model::make_network(spec_of(architecture, state.range(0)));
  xnet::model::InferenceEngine engine(*net);
  const auto x = torch::randn({1, 1, state.range(1), state.range(1)});
  for (auto _ : state) benchmark::DoNotOptimize(engine.logits(x));
}

void train_step(benchmark::State& state, const std::string& architecture) {
  auto net = xnet::model::make_network(spec_of(architecture, state.range(0)));
  net->train();
  torch::optim::RMSprop optimiser(net->parameters(), torch::optim::RMSpropOptions(1e-4));
  const auto size = state.range(1);
  const auto x = torch::randn({8, 1, size, size});
  const auto y = torch::randint(0, 3, {8, size, size}, torch::kLong);
  for (auto _ : state) {
    optimiser.zero_grad();
    torch::nn::functional::cross_entropy(net->forward(x), y).backward();
    optimiser.step();
  }
  state.SetItemsProcessed(state.iterations() * 8);
}

}  // namespace

BENCHMARK_CAPTURE(eval_forward, XNet, std::string("xnet"))->Args({16, 200})->Args({64, 200})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(engine_forward, XNet, std::string("xnet"))->Args({16, 200})->Args({64, 200})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(train_step, XNet, std::string("xnet"))->Args({16, 200})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(engine_forward, UNet, std::string("unet"))->Args({16, 200})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(engine_forward, SegNet, std::string("segnet"))->Args({16, 200})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(engine_forward, DeepLab, std::string("deeplab"))->Args({16, 200})->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  xnet::model::configure_threads(0);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
