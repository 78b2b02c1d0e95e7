#pragma once
// DeepLab-style network (Chen et al. 2017/2018): an encoder to output stride 2^(depth-1), an
// atrous spatial pyramid (parallel dilated convolutions and image pooling), and a light
// decoder that joins the upsampled pyramid with full-resolution features.
#include <vector>

#include "model/blocks.hpp"
#include "model/network.hpp"

namespace xnet::model {

struct DeepLabImpl : SegmentationNetImpl {
  explicit DeepLabImpl(const engine::NetworkSpec& spec);
  std::vector<torch::Tensor> encoder_parameters() override;
  int size_multiple() const override { return 1 << (spec().depth - 1); }

 protected:
  torch::Tensor forward_aligned(torch::Tensor x) override;

 private:
  torch::Tensor pyramid(const torch::Tensor& features);

  std::vector<torch::nn::Sequential> down_;
  std::vector<ConvBlock> atrous_;  // 1x1 and dilated 3x3 branches
  torch::nn::Conv2d image_pool_{nullptr};
  ConvBlock project_{nullptr}, shallow_{nullptr};
  torch::nn::Sequential decode_{nullptr};
  torch::nn::Conv2d head_{nullptr};
};

}  // namespace xnet::model
