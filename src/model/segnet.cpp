#include "model/segnet.hpp"

namespace xnet::model {

SegNetImpl::SegNetImpl(const engine::NetworkSpec& s) : SegmentationNetImpl(s) {
  const auto& spec = this->spec();
  const int k = spec.kernel_size;
  auto filters = [&](int level) { return spec.base_filters << level; };
  for (int l = 0; l < spec.depth; ++l) {
    const auto name = std::to_string(l);
    const int in = l == 0 ? spec.input_channels : filters(l - 1);
    const int out = l == 0 ? filters(0) : filters(l - 1);
    down_.push_back(register_module("down" + name, double_block(in, filters(l), k)));
    up_.push_back(register_module("up" + name, UpStep(spec.upsampling, filters(l), filters(l), k)));
    narrow_.push_back(register_module("narrow" + name, ConvBlock(ConvBlockOptions{filters(l), out, k})));
  }
  head_ = register_module("head", torch::nn::Conv2d(torch::nn::Conv2dOptions(filters(0), spec.classes, 1)));
}

torch::Tensor SegNetImpl::forward_aligned(torch::Tensor x) {
  std::vector<torch::Tensor> indices;
  for (auto& level : down_) {
    auto [pooled, where] = pool_with_indices(level->forward(x));
    x = pooled;
    indices.push_back(where);
  }
  for (size_t l = up_.size(); l-- > 0;) x = narrow_[l](up_[l](x, indices[l]));
  return counted_conv(head_, x);
}

std::vector<torch::Tensor> SegNetImpl::encoder_parameters() {
  return parameters_of(down_);
}

}  // namespace xnet::model
