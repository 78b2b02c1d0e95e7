#pragma once
// Simplified SegNet (Badrinarayanan et al. 2017): an encoder of `depth` pooled levels and a
// decoder that upsamples with the encoder's max-pooling indices; no skip concatenation.
#include <vector>

#include "model/blocks.hpp"
#include "model/network.hpp"

namespace xnet::model {

struct SegNetImpl : SegmentationNetImpl {
  explicit SegNetImpl(const engine::NetworkSpec& spec);
  std::vector<torch::Tensor> encoder_parameters() override;
  int size_multiple() const override { return 1 << spec().depth; }

 protected:
  torch::Tensor forward_aligned(torch::Tensor x) override;

 private:
  std::vector<torch::nn::Sequential> down_;
  std::vector<UpStep> up_;
  std::vector<ConvBlock> narrow_;  // level l filters -> level l-1 filters
  torch::nn::Conv2d head_{nullptr};
};

}  // namespace xnet::model
