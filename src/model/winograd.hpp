#pragma once
// Winograd F(4x4, 3x3) convolution for the inference path (Lavin & Gray 2016, "Fast Algorithms
// for Convolutional Neural Networks"): a 4x4 output tile of a 3x3 convolution costs 36
// multiplies per (input, output) channel pair instead of 144. The 36 products of a tile become
// 36 independent GEMMs (transformed weights x transformed input tiles), shared out between the
// intra-op threads; the input and output transforms are hand-written loops over contiguous rows.
#include <cstdint>

#include <torch/torch.h>

namespace xnet::model {

// A stride-1 convolution with padding 1 of float32 NCHW CPU tensors, by F(4x4, 3x3) for 3x3
// kernels and F(4x4, 2x2) (25 instead of 64 multiplies per tile) for the 2x2 phase kernels of
// an upsampled input. The weight transform is done once at construction; forward is for
// inference only (no autograd).
class WinogradConv {
 public:
  WinogradConv() = default;
  // weight: out x in x 3 x 3 or out x in x 2 x 2, bias: out (any device; kept on the CPU).
  WinogradConv(const torch::Tensor& weight, const torch::Tensor& bias);

  bool defined() const { return transformed_.defined(); }
  int64_t out_channels() const { return transformed_.size(1); }

  // 3x3 kernel: N x in x H x W -> N x out x H x W, the same as torch::conv2d(x, weight, bias,
  // 1, 1) (then relu when asked).
  torch::Tensor forward(const torch::Tensor& x, bool relu) const;

  // 2x2 kernel: the four phase kernels of "nearest 2x upsample then 3x3 conv" stacked along the
  // outputs (4*C, phase p = 2a + b, phase_weight in blocks.hpp): N x in x H x W ->
  // N x C x 2H x 2W with output pixel (2i + a, 2j + b) = pixel (i + a, j + b) of phase p's
  // padding-1 conv, i.e. the conv of the upsampled input. The interleaving happens while the
  // output transform writes, so it costs no extra pass.
  torch::Tensor forward_interleaved(const torch::Tensor& x, bool relu) const;

 private:
  torch::Tensor run(const torch::Tensor& x, bool relu, bool interleaved) const;

  int kernel_ = 3;
  torch::Tensor transformed_;  // positions (36 or 25) x out x in: G w G^T per tile position
  torch::Tensor bias_;         // out
};

// Whether Winograd is expected to beat oneDNN's direct convolution with a kernel x kernel
// kernel (3: plain, 2: phase kernels) on an in-channel H x W input. Measured rule, see
// winograd.cpp.
bool winograd_pays(int64_t in_channels, int64_t height, int64_t width, int kernel);

}  // namespace xnet::model
