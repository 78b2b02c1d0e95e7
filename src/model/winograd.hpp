#pragma once
// Winograd F(4x4, 3x3) convolution for the inference path (Lavin & Gray 2016, "Fast Algorithms
// for Convolutional Neural Networks"): a 4x4 output tile of a 3x3 convolution costs 36
// multiplies per (input, output) channel pair instead of 144. The 36 products of a tile become
// 36 independent GEMMs (transformed weights x transformed input tiles) run as one batched
// matrix product; the input and output transforms are hand-written loops over contiguous rows.
#include <cstdint>

#include <torch/torch.h>

namespace xnet::model {

// A 3x3, stride-1, same-padded (padding 1) convolution of float32 NCHW CPU tensors. The weight
// transform is done once at construction; forward is for inference only (no autograd).
class WinogradConv {
 public:
  WinogradConv() = default;
  // weight: out x in x 3 x 3, bias: out (float32, any device; kept on the CPU).
  WinogradConv(const torch::Tensor& weight, const torch::Tensor& bias);

  bool defined() const { return transformed_.defined(); }
  int64_t out_channels() const { return transformed_.size(1); }

  // N x in x H x W -> N x out x H x W, the same as torch::conv2d(x, weight, bias, 1, 1)
  // (then relu when asked).
  torch::Tensor forward(const torch::Tensor& x, bool relu) const;

  // For the four phase kernels of "nearest 2x upsample then conv" stacked along the outputs
  // (4*C, phase p = 2a + b; see phase_weight_3x3 in blocks.cpp): N x in x H x W ->
  // N x C x 2H x 2W with output pixel (2i + a, 2j + b) = phase p's output at (i, j). The
  // interleaving happens while the output transform writes, so it costs no extra pass.
  torch::Tensor forward_interleaved(const torch::Tensor& x, bool relu) const;

 private:
  torch::Tensor run(const torch::Tensor& x, bool relu, bool interleaved) const;

  torch::Tensor transformed_;  // 36 x out x in: G w G^T per tile position
  torch::Tensor bias_;         // out
};

// Whether F(4x4, 3x3) is expected to beat oneDNN's direct convolution on an in-channel input of
// H x W whose direct kernel has `direct_taps` taps (9 for a plain 3x3, 4 for a 2x2 phase
// kernel). Measured rule, see winograd.cpp.
bool winograd_pays(int64_t in_channels, int64_t height, int64_t width, int direct_taps);

}  // namespace xnet::model
