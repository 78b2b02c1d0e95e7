#pragma once
// U-Net (Ronneberger et al. 2015), same-padding variant: `depth` levels of two conv blocks,
// up steps and concatenated skips at every level.
#include <vector>

#include "model/blocks.hpp"
#include "model/network.hpp"

namespace xnet::model {

struct UNetImpl : SegmentationNetImpl {
  explicit UNetImpl(const NetworkSpec& spec);
  std::vector<torch::Tensor> encoder_parameters() override;
  int size_multiple() const override { return 1 << (spec().depth - 1); }

 protected:
  torch::Tensor forward_aligned(torch::Tensor x) override;

 private:
  std::vector<torch::nn::Sequential> down_, merge_;  // per level
  std::vector<UpStep> up_;                            // level l+1 -> l
  torch::nn::Conv2d head_{nullptr};
};

}  // namespace xnet::model
