#include "model/unet.hpp"

namespace xnet::model {

UNetImpl::UNetImpl(const NetworkSpec& s) : SegmentationNetImpl(s) {
  const auto& spec = this->spec();
  const int k = spec.kernel_size;
  auto filters = [&](int level) { return spec.base_filters << level; };
  down_ = encoder_levels(*this, spec.input_channels, spec.base_filters, spec.depth, k);
  for (int l = 0; l + 1 < spec.depth; ++l) {
    up_.push_back(register_module("up" + std::to_string(l), UpStep(spec.upsampling, filters(l + 1), filters(l), k)));
    merge_.push_back(register_module("merge" + std::to_string(l), double_block(2 * filters(l), filters(l), k)));
  }
  head_ = register_module("head", torch::nn::Conv2d(torch::nn::Conv2dOptions(filters(0), spec.classes, 1)));
}

torch::Tensor UNetImpl::forward_aligned(torch::Tensor x) {
  std::vector<torch::Tensor> skips;
  for (size_t l = 0; l < down_.size(); ++l) {
    x = down_[l]->forward(l == 0 ? x : pool(x));
    skips.push_back(x);
  }
  for (size_t l = up_.size(); l-- > 0;) x = merge_[l]->forward(torch::cat({skips[l], up_[l](x)}, 1));
  return counted_conv(head_, x);
}

std::vector<torch::Tensor> UNetImpl::encoder_parameters() {
  return parameters_of(down_);
}

}  // namespace xnet::model
