// Per-layer timings of the full-width XNet convolutions at 200x200: oneDNN's direct convolution
// (what the folded inference path ran before) against Winograd F(4x4, 3x3), with its GEMM part
// timed alone; the variants interleaved in one process (noisy shared machines), medians.
//   build/bench/winograd_bench [threads] [rounds]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include "model/runtime.hpp"
#include "model/winograd.hpp"

namespace {

struct Layer {
  const char* name;
  int64_t in, out, size;
  bool phase;  // nearest 2x upsample then conv: four 2x2 phase kernels, 4 * out stacked
};

// Shapes of XNet with 64 base filters on a 200x200 input (model/xnet.cpp).
const std::vector<Layer> kLayers = {
    {"c2/8", 64, 128, 100, false},  {"c3/9", 128, 256, 50, false}, {"c4/10", 256, 512, 25, false},
    {"c5/11", 512, 512, 25, false}, {"u6/12", 512, 256, 25, true}, {"u7/13", 512, 128, 50, true},
    {"c8", 256, 128, 100, false},   {"u14", 256, 64, 100, true},
};

double milliseconds(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  xnet::model::set_intra_op_threads(threads);
  torch::InferenceMode inference;
  std::printf("threads %d, %d interleaved rounds, median ms\n", threads, rounds);
  std::printf("%-6s %5s %5s %4s  %8s %8s %8s %8s %7s\n", "layer", "in", "out", "S", "direct", "winograd",
              "gemm", "transf", "speedup");
  double total_direct = 0, total_winograd = 0;
  for (const auto& l : kLayers) {
    const int64_t stacked = l.phase ? 4 * l.out : l.out;
    const auto x = torch::randn({1, l.in, l.size, l.size});
    const auto direct_w = torch::randn({stacked, l.in, l.phase ? 2 : 3, l.phase ? 2 : 3}) * 0.05;
    const auto bias = torch::randn({stacked});
    const xnet::model::WinogradConv winograd(direct_w, bias);
    const int64_t patch = l.phase ? 5 : 6, out_size = l.phase ? l.size + 1 : l.size;
    const int64_t tiles = ((out_size + 3) / 4) * ((out_size + 3) / 4);
    const auto u = torch::randn({patch * patch, stacked, l.in}), v = torch::randn({patch * patch, l.in, tiles});
    auto direct = [&] {
      auto y = torch::conv2d(x, direct_w, bias, 1, 1);
      torch::relu_(y);
      if (l.phase)  // the interleave of the phase outputs (model/blocks.cpp)
        y = y.narrow(2, 0, l.size).narrow(3, 0, l.size).view({1, 2, 2, l.out, l.size, l.size})
                .permute({0, 3, 4, 1, 5, 2}).reshape({1, l.out, 2 * l.size, 2 * l.size});
      return y;
    };
    auto wino = [&] { return l.phase ? winograd.forward_interleaved(x, true) : winograd.forward(x, true); };
    direct();
    wino();
    std::vector<double> td, tw, tg;
    for (int r = 0; r < rounds; ++r) {
      td.push_back(milliseconds([&] { direct(); }));
      tw.push_back(milliseconds([&] { wino(); }));
      tg.push_back(milliseconds([&] {  // the GEMMs as WinogradConv runs them (winograd.cpp)
        auto products = torch::empty({patch * patch, stacked, tiles});
        at::parallel_for(0, patch * patch, 1, [&](int64_t begin, int64_t end) {
          const torch::InferenceMode guard;
          for (int64_t p = begin; p < end; ++p) {
            auto product = products[p];
            torch::mm_out(product, u[p], v[p]);
          }
        });
      }));
    }
    const double d = median(td), w = median(tw), gm = median(tg);
    total_direct += d;
    total_winograd += std::min(d, w);
    std::printf("%-6s %5ld %5ld %4ld  %8.1f %8.1f %8.1f %8.1f %7.2f\n", l.name, static_cast<long>(l.in),
                static_cast<long>(stacked), static_cast<long>(l.size), d, w, gm, w - gm, d / w);
  }
  std::printf("sum over the listed shapes (each once): direct %.0f ms, best of both %.0f ms\n", total_direct,
              total_winograd);
  return 0;
}
