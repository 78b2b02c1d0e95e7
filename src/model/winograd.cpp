#include "model/winograd.hpp"

#include <algorithm>
#include <vector>

#include <ATen/Parallel.h>

#include "core/error.hpp"

namespace xnet::model {
namespace {

constexpr int kTile = 4;  // outputs per tile side: F(4x4, 3x3) and F(4x4, 2x2)

// The loops below run over contiguous rows of tiles; built twice (AVX2+FMA and baseline) and
// chosen at load time, since the project is compiled for the baseline x86-64.
#define XNET_VECTOR_CLONES __attribute__((target_clones("arch=haswell", "default")))

// F(4x4, 3x3) of Lavin & Gray (points 0, -1, 1, -2, 2, inf): 6x6 input patches, 36 products
// per tile instead of 144.
struct F43 {
  static constexpr int kernel = 3, patch = 6;
  static constexpr double g[patch][kernel] = {{1.0 / 4, 0, 0},           {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                              {-1.0 / 6, 1.0 / 6, -1.0 / 6}, {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                              {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};
  // B^T d for one column of six inputs, element-wise over n contiguous tiles.
  static void input_rows(const float* const d[patch], float* const o[patch], int64_t n) {
    const float *d0 = d[0], *d1 = d[1], *d2 = d[2], *d3 = d[3], *d4 = d[4], *d5 = d[5];
    float *o0 = o[0], *o1 = o[1], *o2 = o[2], *o3 = o[3], *o4 = o[4], *o5 = o[5];
#pragma GCC ivdep
    for (int64_t k = 0; k < n; ++k) {
      const float a1 = d1[k], a2 = d2[k], a3 = d3[k], a4 = d4[k];
      o0[k] = 4.0f * d0[k] - 5.0f * a2 + a4;
      o1[k] = (a3 + a4) - 4.0f * (a1 + a2);
      o2[k] = 4.0f * (a1 - a2) + (a4 - a3);
      o3[k] = 2.0f * (a3 - a1) + (a4 - a2);
      o4[k] = 2.0f * (a1 - a3) + (a4 - a2);
      o5[k] = 4.0f * a1 - 5.0f * a3 + d5[k];
    }
  }
  // A^T m for one column of six products.
  static void output_rows(const float* const m[patch], float* const o[kTile], int64_t n) {
    const float *m0 = m[0], *m1 = m[1], *m2 = m[2], *m3 = m[3], *m4 = m[4], *m5 = m[5];
    float *o0 = o[0], *o1 = o[1], *o2 = o[2], *o3 = o[3];
#pragma GCC ivdep
    for (int64_t k = 0; k < n; ++k) {
      const float s12 = m1[k] + m2[k], d12 = m1[k] - m2[k], s34 = m3[k] + m4[k], d34 = m3[k] - m4[k];
      o0[k] = m0[k] + s12 + s34;
      o1[k] = d12 + 2.0f * d34;
      o2[k] = s12 + 4.0f * s34;
      o3[k] = d12 + 8.0f * d34 + m5[k];
    }
  }
};

// F(4x4, 2x2) by the same Toom-Cook construction (points 0, 1, -1, 2, inf): 5x5 patches, 25
// products per tile instead of 64; for the 2x2 phase kernels of an upsampled input.
struct F42 {
  static constexpr int kernel = 2, patch = 5;
  static constexpr double g[patch][kernel] = {{1.0 / 2, 0}, {-1.0 / 2, -1.0 / 2}, {-1.0 / 6, 1.0 / 6},
                                              {1.0 / 6, 1.0 / 3}, {0, 1}};
  static void input_rows(const float* const d[patch], float* const o[patch], int64_t n) {
    const float *d0 = d[0], *d1 = d[1], *d2 = d[2], *d3 = d[3], *d4 = d[4];
    float *o0 = o[0], *o1 = o[1], *o2 = o[2], *o3 = o[3], *o4 = o[4];
#pragma GCC ivdep
    for (int64_t k = 0; k < n; ++k) {
      const float a1 = d1[k], a2 = d2[k], a3 = d3[k];
      o0[k] = 2.0f * (d0[k] - a2) + (a3 - a1);
      o1[k] = a3 - a2 - 2.0f * a1;
      o2[k] = 2.0f * a1 - 3.0f * a2 + a3;
      o3[k] = a3 - a1;
      o4[k] = 2.0f * (a1 - a3) - a2 + d4[k];
    }
  }
  static void output_rows(const float* const m[patch], float* const o[kTile], int64_t n) {
    const float *m0 = m[0], *m1 = m[1], *m2 = m[2], *m3 = m[3], *m4 = m[4];
    float *o0 = o[0], *o1 = o[1], *o2 = o[2], *o3 = o[3];
#pragma GCC ivdep
    for (int64_t k = 0; k < n; ++k) {
      const float s12 = m1[k] + m2[k], d12 = m1[k] - m2[k], a3 = m3[k];
      o0[k] = m0[k] + s12 + a3;
      o1[k] = d12 + 2.0f * a3;
      o2[k] = s12 + 4.0f * a3;
      o3[k] = d12 + 8.0f * a3 + m4[k];
    }
  }
};

struct Geometry {
  int64_t n, channels, height, width;   // input
  int64_t out_height, out_width;        // convolution output (padding 1)
  int64_t tile_rows, tile_cols, tiles;  // tiles of 4x4 outputs, all images
};

// V[p][c][t] = (B^T d B)[p] for every patch d of channel c of image `image`, padded by 1. The
// channel is first copied, zero-padded, into four column-phase planes (plane m holds padded
// columns 4u + m) so that both passes of B^T read contiguous rows.
template <class F>
__attribute__((always_inline)) inline void transform_input_channel(const float* x, const Geometry& g, int64_t image,
                                                                   int64_t c, float* v, std::vector<float>& scratch) {
  constexpr int P = F::patch;
  const int64_t rows = kTile * g.tile_rows + F::kernel - 1, cols = g.tile_cols + 1;
  scratch.assign(static_cast<size_t>(kTile * rows * cols + P * kTile * cols), 0.0f);
  float* planes = scratch.data();
  float* combined = planes + kTile * rows * cols;  // P (row combination) x 4 (plane) x cols
  for (int64_t y = 0; y < g.height; ++y) {
    const float* src = x + y * g.width;
    for (int64_t col = 0; col < g.width; ++col) {
      const int64_t q = col + 1;  // padded column
      planes[((q % kTile) * rows + y + 1) * cols + q / kTile] = src[col];
    }
  }
  const int64_t tiles_before = image * g.tile_rows * g.tile_cols;
  const float* d[P];
  float* o[P];
  for (int64_t ty = 0; ty < g.tile_rows; ++ty) {
    for (int m = 0; m < kTile; ++m) {  // B^T along the rows of the patch, per column plane
      for (int i = 0; i < P; ++i) d[i] = planes + (m * rows + kTile * ty + i) * cols;
      for (int a = 0; a < P; ++a) o[a] = combined + (a * kTile + m) * cols;
      F::input_rows(d, o, cols);
    }
    for (int a = 0; a < P; ++a) {  // then along the columns: column j = plane j % 4, shifted j / 4
      for (int j = 0; j < P; ++j) d[j] = combined + (a * kTile + j % kTile) * cols + j / kTile;
      for (int b = 0; b < P; ++b)
        o[b] = v + ((a * P + b) * g.channels + c) * g.tiles + tiles_before + ty * g.tile_cols;
      F::input_rows(d, o, g.tile_cols);
    }
  }
}

// Where an output plane goes: conv output pixel (y, x) lands at dst[((y - first) * step) *
// row_stride + (x - first_col) * step] when 0 <= y - first < rows (likewise columns): the plain
// conv has step 1 and no offsets; a phase (a, b) of the interleaved output has step 2, dst at
// pixel (a, b) of the big plane and, for the 2x2 phase kernels, offsets (a, b) (blocks.cpp).
struct Destination {
  float* dst;
  int64_t row_stride, step, first_row, first_col, rows, cols;
};

// Output channel k of image `image` from the products M[p][k][t]: A^T m A per tile, plus bias,
// then relu when asked.
template <class F>
__attribute__((always_inline)) inline void transform_output_channel(const float* mprod, const Geometry& g,
                                                                    int64_t out_channels, int64_t image, int64_t k,
                                                                    float bias, bool relu, const Destination& to,
                                                                    std::vector<float>& scratch) {
  constexpr int P = F::patch;
  const int64_t tc = g.tile_cols;
  scratch.resize(static_cast<size_t>(kTile * P * tc + kTile * kTile * tc + kTile * tc));
  float* partial = scratch.data();         // 4 (u) x P (b) x tc
  float* tile = partial + kTile * P * tc;  // 4 (u) x 4 (v) x tc
  float* row = tile + kTile * kTile * tc;  // 4 * tc outputs of one row
  const float* m[P];
  float* o[kTile];
  const int64_t tiles_before = image * g.tile_rows * tc;
  const int64_t col_end = std::min(g.out_width, to.first_col + to.cols);
  for (int64_t ty = 0; ty < g.tile_rows; ++ty) {
    for (int b = 0; b < P; ++b) {
      for (int a = 0; a < P; ++a) m[a] = mprod + ((a * P + b) * out_channels + k) * g.tiles + tiles_before + ty * tc;
      for (int u = 0; u < kTile; ++u) o[u] = partial + (u * P + b) * tc;
      F::output_rows(m, o, tc);
    }
    for (int u = 0; u < kTile; ++u) {
      for (int b = 0; b < P; ++b) m[b] = partial + (u * P + b) * tc;
      for (int w = 0; w < kTile; ++w) o[w] = tile + (u * kTile + w) * tc;
      F::output_rows(m, o, tc);
    }
    const int64_t n = kTile * kTile * tc;
    if (relu) {
      for (int64_t i = 0; i < n; ++i) tile[i] = std::max(tile[i] + bias, 0.0f);
    } else {
      for (int64_t i = 0; i < n; ++i) tile[i] += bias;
    }
    for (int u = 0; u < kTile; ++u) {
      const int64_t y = kTile * ty + u - to.first_row;
      if (y < 0) continue;
      if (y >= to.rows) break;
      for (int w = 0; w < kTile; ++w)
        for (int64_t tx = 0; tx < tc; ++tx) row[kTile * tx + w] = tile[(u * kTile + w) * tc + tx];
      float* dst = to.dst + y * to.step * to.row_stride;
      for (int64_t col = to.first_col; col < col_end; ++col) dst[(col - to.first_col) * to.step] = row[col];
    }
  }
}

// The vectorised clones: one non-template entry per transform.
XNET_VECTOR_CLONES void input_f43(const float* x, const Geometry& g, int64_t image, int64_t c, float* v,
                                  std::vector<float>& s) {
  transform_input_channel<F43>(x, g, image, c, v, s);
}
XNET_VECTOR_CLONES void input_f42(const float* x, const Geometry& g, int64_t image, int64_t c, float* v,
                                  std::vector<float>& s) {
  transform_input_channel<F42>(x, g, image, c, v, s);
}
XNET_VECTOR_CLONES void output_f43(const float* mp, const Geometry& g, int64_t oc, int64_t image, int64_t k,
                                   float bias, bool relu, const Destination& to, std::vector<float>& s) {
  transform_output_channel<F43>(mp, g, oc, image, k, bias, relu, to, s);
}
XNET_VECTOR_CLONES void output_f42(const float* mp, const Geometry& g, int64_t oc, int64_t image, int64_t k,
                                   float bias, bool relu, const Destination& to, std::vector<float>& s) {
  transform_output_channel<F42>(mp, g, oc, image, k, bias, relu, to, s);
}

template <class F>
torch::Tensor transform_weight(const torch::Tensor& weight) {
  torch::NoGradGuard no_grad;
  auto g = torch::empty({F::patch, F::kernel});
  for (int i = 0; i < F::patch; ++i)
    for (int j = 0; j < F::kernel; ++j) g[i][j] = static_cast<float>(F::g[i][j]);
  // U[a][b] = G w G^T for every (out, in) pair: (G kron G) applied to the flattened kernels,
  // one GEMM whose result is already positions x out x in (an einsum in double precision
  // and its permuted copy took ~1.3 s of every predict's start for XNet-64; float keeps the
  // tests' 1e-5 relative agreement with torch::conv2d).
  const int64_t out = weight.size(0), in = weight.size(1);
  const auto w = weight.detach().to(torch::kCPU, torch::kFloat).contiguous().view({out * in, F::kernel * F::kernel});
  return torch::matmul(torch::kron(g, g), w.t()).view({F::patch * F::patch, out, in});
}

// Scratch reused across calls of this thread (slot 0: transformed input, 1: products): tens
// of MB, and fresh allocations of that size cost page faults on every layer.
float* workspace(int slot, int64_t floats) {
  thread_local torch::Tensor buffers[2];
  auto& buffer = buffers[slot];
  if (!buffer.defined() || buffer.numel() < floats) buffer = torch::empty({floats});
  return buffer.data_ptr<float>();
}

}  // namespace

WinogradConv::WinogradConv(const torch::Tensor& weight, const torch::Tensor& bias) {
  const bool square = weight.dim() == 4 && weight.size(2) == weight.size(3);
  if (!square || (weight.size(2) != 3 && weight.size(2) != 2))
    throw Error("Winograd convolution needs a 3x3 or 2x2 kernel, got weight " + c10::str(weight.sizes()));
  kernel_ = static_cast<int>(weight.size(2));
  transformed_ = kernel_ == 3 ? transform_weight<F43>(weight) : transform_weight<F42>(weight);
  bias_ = bias.detach().to(torch::kCPU, torch::kFloat).contiguous();
}

torch::Tensor WinogradConv::forward(const torch::Tensor& x, bool relu) const {
  if (kernel_ != 3) throw Error("Winograd convolution: forward needs a 3x3 kernel");
  return run(x, relu, false);
}

torch::Tensor WinogradConv::forward_interleaved(const torch::Tensor& x, bool relu) const {
  if (kernel_ != 2) throw Error("Winograd convolution: forward_interleaved needs the 2x2 phase kernels");
  return run(x, relu, true);
}

torch::Tensor WinogradConv::run(const torch::Tensor& input, bool relu, bool interleaved) const {
  if (input.scalar_type() != torch::kFloat || !input.device().is_cpu() || input.dim() != 4 ||
      input.size(1) != transformed_.size(2))
    throw Error("Winograd convolution: needs a float32 CPU N x " + std::to_string(transformed_.size(2)) +
                " x H x W input, got " + c10::str(input.sizes()));
  const auto x = input.contiguous();
  const int positions = static_cast<int>(transformed_.size(0));
  Geometry g{x.size(0), x.size(1), x.size(2), x.size(3), 0, 0, 0, 0, 0};
  g.out_height = g.height + 3 - kernel_;  // padding 1
  g.out_width = g.width + 3 - kernel_;
  g.tile_rows = (g.out_height + kTile - 1) / kTile;
  g.tile_cols = (g.out_width + kTile - 1) / kTile;
  g.tiles = g.n * g.tile_rows * g.tile_cols;
  const int64_t stacked = transformed_.size(1);
  float* vs = workspace(0, positions * g.channels * g.tiles);
  const auto v = torch::from_blob(vs, {positions, g.channels, g.tiles});

  const float* xs = x.data_ptr<float>();
  const auto input_transform = kernel_ == 3 ? input_f43 : input_f42;
  at::parallel_for(0, g.n * g.channels, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> scratch;
    for (int64_t i = begin; i < end; ++i)
      input_transform(xs + i * g.height * g.width, g, i / g.channels, i % g.channels, vs, scratch);
  });

  // products: positions x stacked x tiles, one GEMM per position, the positions shared out
  // between the threads, each running its GEMMs alone (OpenBLAS stays single-threaded inside a
  // parallel region): XNet-64 at 200^2 on two threads took 285-304 ms instead of 327-365 with
  // torch::bmm, whose every GEMM is split over the threads and synchronised. The products live
  // in a second reused workspace: fresh ones cost page faults on every layer.
  const auto products = torch::from_blob(workspace(1, positions * stacked * g.tiles), {positions, stacked, g.tiles});
  at::parallel_for(0, positions, 1, [&](int64_t begin, int64_t end) {
    const torch::InferenceMode inference;  // thread-local: the workers do not inherit it
    for (int64_t p = begin; p < end; ++p) {
      auto product = products[p];
      torch::mm_out(product, transformed_[p], v[p]);
    }
  });

  const int64_t out_channels = interleaved ? stacked / 4 : stacked, scale = interleaved ? 2 : 1;
  auto out = torch::empty({g.n, out_channels, scale * g.height, scale * g.width});
  const float* ms = products.data_ptr<float>();
  const float* bs = bias_.data_ptr<float>();
  float* os = out.data_ptr<float>();
  const int64_t plane = scale * g.height * scale * g.width;
  const auto output_transform = kernel_ == 3 ? output_f43 : output_f42;
  at::parallel_for(0, g.n * stacked, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> scratch;
    for (int64_t i = begin; i < end; ++i) {
      const int64_t image = i / stacked, k = i % stacked;
      const int64_t channel = k % out_channels;
      Destination to{os + (image * out_channels + channel) * plane, scale * g.width, scale, 0, 0, g.height, g.width};
      if (interleaved) {
        // Stacked channel k is phase p = 2a + b of output channel k % C: it fills rows 2i + a
        // and columns 2j + b from its conv output at (i + a, j + b) (offsets of blocks.cpp).
        const int64_t phase = k / out_channels, a = phase / 2, b = phase % 2;
        to.dst += a * scale * g.width + b;
        to.first_row = a;
        to.first_col = b;
      }
      output_transform(ms, g, stacked, image, k, bs[k], relu, to, scratch);
    }
  });
  return out;
}

bool winograd_pays(int64_t in_channels, int64_t height, int64_t width, int kernel) {
  // Measured with bench/winograd_bench (XNet-64 layers at 200x200, 2-core AVX2 EPYC, idle):
  // Winograd beat oneDNN's direct convolution by 1.1-1.7x for 128-512 input channels on 25^2 -
  // 100^2 inputs on one thread and on two, and was even at 64 channels on one thread (the GEMMs
  // are too shallow), so: >= 128 input channels, >= 1.5x fewer multiplies after tiling.
  if (in_channels < 128) return false;
  const int64_t out_h = height + 3 - kernel, out_w = width + 3 - kernel;
  const double tiles = static_cast<double>((out_h + 3) / 4) * ((out_w + 3) / 4);
  const double direct = static_cast<double>(kernel * kernel) * out_h * out_w;
  return direct / ((kernel + 3) * (kernel + 3) * tiles) >= 1.5;
}

}  // namespace xnet::model
