#pragma once
// The bricks every network is built from: conv -> batch norm -> ReLU (reference.md), and the
// upsampling "lego" of the slides (nearest, max-unpooling with indices, transposed, bilinear).
#include <string>
#include <vector>

#include <torch/torch.h>

#include "model/winograd.hpp"

namespace xnet::model {

struct ConvBlockOptions {
  int in = 1;
  int out = 1;
  int kernel = 3;
  int dilation = 1;
  // The block reads its input upsampled 2x by nearest neighbour ("C(U x)" of reference.md);
  // computed without materialising the upsampled tensor (see conv_of_upsampled).
  bool nearest_upsampled_input = false;
};

// Same-padding convolution -> batch norm -> ReLU.
struct ConvBlockImpl : torch::nn::Module {
  explicit ConvBlockImpl(const ConvBlockOptions& options);
  torch::Tensor forward(torch::Tensor x);
  // For inference: folds the (eval-mode) batch norm into the convolution's weight and bias
  // (in float32, then converted to target), after which forward skips it. Irreversible; done
  // on InferenceEngine's own copy. For float32 NCHW CPU targets a 3x3 undilated block also
  // keeps Winograd-transformed weights, used where winograd_pays says so.
  void fold_batch_norm(const torch::TensorOptions& target, torch::MemoryFormat format, bool winograd = true);

  ConvBlockOptions options;
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d norm{nullptr};

 private:
  torch::Tensor conv_of_upsampled(const torch::Tensor& x, const torch::Tensor& phase_weight,
                                  const torch::Tensor& phase_bias, bool relu);
  bool folded_ = false;
  torch::Tensor folded_phase_weight_, folded_phase_bias_;
  WinogradConv winograd_;  // of the plain 3x3 or the phase-stacked 2x2 (phase_weight) weight
};

// "Nearest 2x upsample then k x k conv" as four (k/2+1) x (k/2+1) convolutions of the
// low-resolution input, one per output phase (row parity a, column parity b), stacked along
// the outputs: (4*out) x in x (k/2+1) x (k/2+1), phase p = 2a + b. For k = 3, phase (a, b) of
// output pixel (2i + a, 2j + b) is pixel (i + a, j + b) of that phase's padding-1 convolution.
torch::Tensor phase_weight(const torch::Tensor& weight);
TORCH_MODULE(ConvBlock);

// "C(U x)": upsample 2x with the chosen lego piece, then a ConvBlock in -> out.
struct UpStepImpl : torch::nn::Module {
  UpStepImpl(const std::string& mode, int in, int out, int kernel);
  // indices: those of the max-pooling being undone (mode "unpool" only).
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& indices = {});

  std::string mode;
  torch::nn::ConvTranspose2d transposed{nullptr};
  ConvBlock block{nullptr};
};
TORCH_MODULE(UpStep);

// A 1x1 convolution without normalisation (heads), counted for gflop_per_image.
torch::Tensor counted_conv(torch::nn::Conv2d& conv, const torch::Tensor& x);

// 2x2 max-pooling; with_indices keeps the argmax positions for SegNet's unpooling.
torch::Tensor pool(const torch::Tensor& x);
std::tuple<torch::Tensor, torch::Tensor> pool_with_indices(const torch::Tensor& x);

// Counts convolution FLOPs of the forward passes run on this thread while it lives.
class FlopCounter {
 public:
  FlopCounter();
  ~FlopCounter();
  FlopCounter(const FlopCounter&) = delete;
  FlopCounter& operator=(const FlopCounter&) = delete;
  double flops() const { return flops_; }
  static void add(double flops);

 private:
  double flops_ = 0;
  FlopCounter* previous_;
};

}  // namespace xnet::model

namespace xnet::model {

// Two ConvBlocks in -> out -> out: one level of U-Net, SegNet and the DeepLab-style encoder.
torch::nn::Sequential double_block(int in, int out, int kernel);

// The encoder shared by U-Net and the DeepLab-style net: `depth` double blocks with
// base_filters << level filters, registered on `owner` as down0, down1, ...
std::vector<torch::nn::Sequential> encoder_levels(torch::nn::Module& owner, int input_channels,
                                                  int base_filters, int depth, int kernel);

}  // namespace xnet::model

namespace xnet::model {

// The parameters of a list of levels (an encoder), in order.
std::vector<torch::Tensor> parameters_of(const std::vector<torch::nn::Sequential>& levels);

}  // namespace xnet::model
