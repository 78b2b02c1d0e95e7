#pragma once
// XNet (arXiv:1812.00548): two down-up stages in a "W", skips by concatenation across levels.
#include "model/blocks.hpp"
#include "model/network.hpp"

namespace xnet::model {

struct XNetImpl : SegmentationNetImpl {
  explicit XNetImpl(const NetworkSpec& spec);
  std::vector<torch::Tensor> encoder_parameters() override;
  int size_multiple() const override { return 8; }  // three 2x2 poolings deep

 protected:
  torch::Tensor forward_aligned(torch::Tensor x) override;

 private:
  // C = conv-BN-ReLU block; u = "C(U x)" (upsample, then block), names as in reference.md.
  ConvBlock c1{nullptr}, c2{nullptr}, c3{nullptr}, c4{nullptr}, c5{nullptr};
  UpStep u6{nullptr}, u7{nullptr};
  ConvBlock c8{nullptr}, c9{nullptr}, c10{nullptr}, c11{nullptr};
  UpStep u12{nullptr}, u13{nullptr}, u14{nullptr};
  torch::nn::Conv2d head{nullptr};
};

}  // namespace xnet::model
