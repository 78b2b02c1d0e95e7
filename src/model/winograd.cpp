#include "model/winograd.hpp"

#include <algorithm>
#include <vector>

#include <ATen/Parallel.h>

#include "core/error.hpp"

namespace xnet::model {
namespace {

constexpr int kTile = 4;          // outputs per tile side, F(4x4, 3x3)
constexpr int kPatch = kTile + 2;  // inputs per tile side
constexpr int kPositions = kPatch * kPatch;

// The loops below run over contiguous rows of tiles; built twice (AVX2+FMA and baseline) and
// chosen at load time, since the project is compiled for the baseline x86-64.
#define XNET_VECTOR_CLONES __attribute__((target_clones("arch=haswell", "default")))

// B^T d for one column of six inputs, element-wise over n contiguous tiles (Lavin & Gray's
// B^T for the interpolation points 0, -1, 1, -2, 2, inf).
inline void input_rows(const float* const d[kPatch], float* const o[kPatch], int64_t n) {
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

// A^T m for one column of six products, element-wise over n contiguous tiles.
inline void output_rows(const float* const m[kPatch], float* const o[kTile], int64_t n) {
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

struct Geometry {
  int64_t n, channels, height, width, tile_rows, tile_cols, tiles;
};

// V[p][c][t] = (B^T d B)[p] for every 6x6 input patch d of channel c of image `image`. The
// channel is first copied, zero-padded, into four column-phase planes (plane m holds padded
// columns 4u + m) so that both passes of B^T read contiguous rows.
XNET_VECTOR_CLONES
void transform_input_channel(const float* x, const Geometry& g, int64_t image, int64_t c, float* v,
                             std::vector<float>& scratch) {
  const int64_t rows = kTile * g.tile_rows + 2, cols = g.tile_cols + 1;
  scratch.assign(static_cast<size_t>(kTile * rows * cols + kPatch * kTile * cols), 0.0f);
  float* planes = scratch.data();
  float* combined = planes + kTile * rows * cols;  // 6 (row combination) x 4 (plane) x cols
  for (int64_t y = 0; y < g.height; ++y) {
    const float* src = x + y * g.width;
    for (int64_t col = 0; col < g.width; ++col) {
      const int64_t q = col + 1;  // padded column
      planes[((q % kTile) * rows + y + 1) * cols + q / kTile] = src[col];
    }
  }
  const int64_t tiles_before = image * g.tile_rows * g.tile_cols;
  const float* d[kPatch];
  float* o[kPatch];
  for (int64_t ty = 0; ty < g.tile_rows; ++ty) {
    for (int m = 0; m < kTile; ++m) {  // B^T along the rows of the patch, per column plane
      for (int i = 0; i < kPatch; ++i) d[i] = planes + (m * rows + kTile * ty + i) * cols;
      for (int a = 0; a < kPatch; ++a) o[a] = combined + (a * kTile + m) * cols;
      input_rows(d, o, cols);
    }
    for (int a = 0; a < kPatch; ++a) {  // then along the columns: column j = plane j % 4, shifted j / 4
      for (int j = 0; j < kPatch; ++j) d[j] = combined + (a * kTile + j % kTile) * cols + j / kTile;
      for (int b = 0; b < kPatch; ++b)
        o[b] = v + ((a * kPatch + b) * g.channels + c) * g.tiles + tiles_before + ty * g.tile_cols;
      input_rows(d, o, g.tile_cols);
    }
  }
}

// Output channel k of image `image` from the products M[p][k][t]: A^T m A per tile, plus bias,
// then relu, written to `out` (height x width plane; with `step` 2 and an offset, one phase of
// the 2x larger interleaved plane).
XNET_VECTOR_CLONES
void transform_output_channel(const float* mprod, const Geometry& g, int64_t out_channels, int64_t image,
                              int64_t k, float bias, bool relu, float* out, int64_t out_width,
                              int64_t step, std::vector<float>& scratch) {
  const int64_t tc = g.tile_cols;
  scratch.resize(static_cast<size_t>(kTile * kPatch * tc + kTile * kTile * tc + kTile * tc));
  float* partial = scratch.data();              // 4 (u) x 6 (b) x tc
  float* tile = partial + kTile * kPatch * tc;  // 4 (u) x 4 (v) x tc
  float* row = tile + kTile * kTile * tc;       // 4 * tc outputs of one row
  const float* m[kPatch];
  float* o[kTile];
  const int64_t tiles_before = image * g.tile_rows * tc;
  for (int64_t ty = 0; ty < g.tile_rows; ++ty) {
    for (int b = 0; b < kPatch; ++b) {
      for (int a = 0; a < kPatch; ++a)
        m[a] = mprod + ((a * kPatch + b) * out_channels + k) * g.tiles + tiles_before + ty * tc;
      for (int u = 0; u < kTile; ++u) o[u] = partial + (u * kPatch + b) * tc;
      output_rows(m, o, tc);
    }
    for (int u = 0; u < kTile; ++u) {
      for (int b = 0; b < kPatch; ++b) m[b] = partial + (u * kPatch + b) * tc;
      for (int w = 0; w < kTile; ++w) o[w] = tile + (u * kTile + w) * tc;
      output_rows(m, o, tc);
    }
    float* t = tile;
    const int64_t n = kTile * kTile * tc;
    if (relu) {
      for (int64_t i = 0; i < n; ++i) t[i] = std::max(t[i] + bias, 0.0f);
    } else {
      for (int64_t i = 0; i < n; ++i) t[i] += bias;
    }
    for (int u = 0; u < kTile; ++u) {
      const int64_t y = kTile * ty + u;
      if (y >= g.height) break;
      for (int w = 0; w < kTile; ++w)
        for (int64_t tx = 0; tx < tc; ++tx) row[kTile * tx + w] = tile[(u * kTile + w) * tc + tx];
      float* dst = out + y * step * out_width;
      for (int64_t col = 0; col < g.width; ++col) dst[col * step] = row[col];
    }
  }
}

}  // namespace

WinogradConv::WinogradConv(const torch::Tensor& weight, const torch::Tensor& bias) {
  if (weight.dim() != 4 || weight.size(2) != 3 || weight.size(3) != 3)
    throw Error("Winograd F(4x4, 3x3) needs a 3x3 kernel, got " + std::to_string(weight.size(2)) + "x" +
                std::to_string(weight.size(3)));
  torch::NoGradGuard no_grad;
  // G of Lavin & Gray for the points 0, -1, 1, -2, 2, inf; transformed in double precision.
  const auto g = torch::tensor({1.0 / 4, 0.0, 0.0, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6,
                                1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 24, -1.0 / 12, 1.0 / 6, 0.0, 0.0, 1.0},
                               torch::kDouble)
                     .view({kPatch, 3});
  const auto w = weight.detach().to(torch::kCPU, torch::kDouble);
  transformed_ = torch::einsum("ai,kcij,bj->abkc", {g, w, g})
                     .reshape({kPositions, weight.size(0), weight.size(1)})
                     .to(torch::kFloat)
                     .contiguous();
  bias_ = bias.detach().to(torch::kCPU, torch::kFloat).contiguous();
}

torch::Tensor WinogradConv::forward(const torch::Tensor& x, bool relu) const { return run(x, relu, false); }

torch::Tensor WinogradConv::forward_interleaved(const torch::Tensor& x, bool relu) const {
  return run(x, relu, true);
}

torch::Tensor WinogradConv::run(const torch::Tensor& input, bool relu, bool interleaved) const {
  if (input.scalar_type() != torch::kFloat || !input.device().is_cpu() || input.dim() != 4 ||
      input.size(1) != transformed_.size(2))
    throw Error("Winograd convolution: needs a float32 CPU N x " + std::to_string(transformed_.size(2)) +
                " x H x W input");
  const auto x = input.contiguous();
  Geometry g{x.size(0), x.size(1), x.size(2), x.size(3), 0, 0, 0};
  g.tile_rows = (g.height + kTile - 1) / kTile;
  g.tile_cols = (g.width + kTile - 1) / kTile;
  g.tiles = g.n * g.tile_rows * g.tile_cols;
  const int64_t stacked = transformed_.size(1);

  auto v = torch::empty({kPositions, g.channels, g.tiles});
  const float* xs = x.data_ptr<float>();
  float* vs = v.data_ptr<float>();
  at::parallel_for(0, g.n * g.channels, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> scratch;
    for (int64_t i = begin; i < end; ++i)
      transform_input_channel(xs + i * g.height * g.width, g, i / g.channels, i % g.channels, vs, scratch);
  });

  auto products = torch::bmm(transformed_, v);  // 36 x stacked x tiles
  v = torch::Tensor();

  const int64_t out_channels = interleaved ? stacked / 4 : stacked, scale = interleaved ? 2 : 1;
  auto out = torch::empty({g.n, out_channels, scale * g.height, scale * g.width});
  const float* ms = products.data_ptr<float>();
  const float* bs = bias_.data_ptr<float>();
  float* os = out.data_ptr<float>();
  const int64_t plane = scale * g.height * scale * g.width;
  at::parallel_for(0, g.n * stacked, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> scratch;
    for (int64_t i = begin; i < end; ++i) {
      const int64_t image = i / stacked, k = i % stacked;
      // Interleaved: stacked channel k is phase p = k / C of output channel k % C; phase (a, b)
      // fills rows 2i + a, columns 2j + b.
      const int64_t channel = k % out_channels, phase = k / out_channels;
      float* dst = os + (image * out_channels + channel) * plane;
      if (interleaved) dst += (phase / 2) * scale * g.width + phase % 2;
      transform_output_channel(ms, g, stacked, image, k, bs[k], relu, dst, scale * g.width, scale, scratch);
    }
  });
  return out;
}

bool winograd_pays(int64_t in_channels, int64_t height, int64_t width, int direct_taps) {
  // Placeholder until measured.
  if (in_channels < 64) return false;
  const double tiles = static_cast<double>((height + 3) / 4) * ((width + 3) / 4);
  const double direct = static_cast<double>(direct_taps) * height * width;
  return direct / (kPositions * tiles) >= 1.6;
}

}  // namespace xnet::model
