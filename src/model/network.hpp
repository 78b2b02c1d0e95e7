#pragma once
// The segmentation networks of the model zoo behind one interface: XNet (reference.md) and the
// networks it was compared with (U-Net, simplified SegNet, DeepLab-style ASPP).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/model_description.hpp"
#include "engine/network_layers.hpp"

namespace xnet::model {

using engine::resolve;

// N x input_channels x H x W -> N x classes x H x W logits, for any H and W: the input is padded
// (replicating its border) to a multiple of size_multiple() and the logits cropped back.
struct SegmentationNetImpl : torch::nn::Module {
  explicit SegmentationNetImpl(engine::NetworkSpec spec) : spec_(resolve(std::move(spec))) {}
  const engine::NetworkSpec& spec() const { return spec_; }

  torch::Tensor forward(torch::Tensor x);
  // The feature-extraction (down) path, e.g. to freeze it when fine-tuning.
  virtual std::vector<torch::Tensor> encoder_parameters() = 0;
  // Weights of every convolution: the ones the L2 penalty applies to (reference.md).
  std::vector<torch::Tensor> convolution_weights();
  // Height and width forward_aligned needs to be divisible by (2^pooling levels).
  virtual int size_multiple() const = 0;

 protected:
  virtual torch::Tensor forward_aligned(torch::Tensor x) = 0;

 private:
  engine::NetworkSpec spec_;
};

using SegmentationNet = std::shared_ptr<SegmentationNetImpl>;

SegmentationNet make_network(const engine::NetworkSpec& spec);

int64_t count_trainable_parameters(const torch::nn::Module& module);

// Forward GFLOP for one image (2 x multiply-accumulates of every convolution, counted at the
// shapes of the reference computation), found by a shape-only pass on the meta device.
double gflop_per_image(const engine::NetworkSpec& spec, int height, int width);

}  // namespace xnet::model
