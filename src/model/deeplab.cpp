#include "model/deeplab.hpp"

namespace xnet::model {
namespace {

// DeepLab v3 uses rates 12/24/36 on 65x65 maps (output stride 8); scaled to the 25x25 map a
// 200 px input gives at the same stride.
constexpr int kAtrousRates[] = {3, 6, 9};

}  // namespace

DeepLabImpl::DeepLabImpl(const engine::NetworkSpec& s) : SegmentationNetImpl(s) {
  const auto& spec = this->spec();
  const int k = spec.kernel_size;
  auto filters = [&](int level) { return spec.base_filters << level; };
  down_ = encoder_levels(*this, spec.input_channels, spec.base_filters, spec.depth, k);
  const int deep = filters(spec.depth - 1), branch = std::max(1, deep / 2);
  atrous_.push_back(register_module("atrous0", ConvBlock(ConvBlockOptions{deep, branch, 1})));
  for (int rate : kAtrousRates)
    atrous_.push_back(register_module("atrous" + std::to_string(rate),
                                      ConvBlock(ConvBlockOptions{deep, branch, k, rate})));
  // No batch norm on the pooled branch: one value per channel cannot be normalised in training.
  image_pool_ = register_module("image_pool", torch::nn::Conv2d(torch::nn::Conv2dOptions(deep, branch, 1)));
  const int branches = static_cast<int>(atrous_.size()) + 1;
  project_ = register_module("project", ConvBlock(ConvBlockOptions{branches * branch, branch, 1}));
  const int shallow = std::max(1, filters(0) / 2);
  shallow_ = register_module("shallow", ConvBlock(ConvBlockOptions{filters(0), shallow, 1}));
  decode_ = register_module("decode", double_block(branch + shallow, filters(0), k));
  head_ = register_module("head", torch::nn::Conv2d(torch::nn::Conv2dOptions(filters(0), spec.classes, 1)));
}

torch::Tensor DeepLabImpl::pyramid(const torch::Tensor& features) {
  std::vector<torch::Tensor> branches;
  for (auto& atrous : atrous_) branches.push_back(atrous(features));
  // Shape-only passes (gflop_per_image) have no meta kernels for the pooling and ReLU.
  auto pooled = counted_conv(image_pool_, features.is_meta() ? features.narrow(2, 0, 1).narrow(3, 0, 1)
                                                              : torch::adaptive_avg_pool2d(features, {1, 1}));
  if (!pooled.is_meta()) pooled = torch::relu(pooled);
  branches.push_back(pooled.expand({-1, -1, features.size(2), features.size(3)}));
  return project_(torch::cat(branches, 1));
}

torch::Tensor DeepLabImpl::forward_aligned(torch::Tensor x) {
  torch::Tensor full_resolution;
  for (size_t l = 0; l < down_.size(); ++l) {
    x = down_[l]->forward(l == 0 ? x : pool(x));
    if (l == 0) full_resolution = x;
  }
  const std::vector<int64_t> size{full_resolution.size(2), full_resolution.size(3)};
  auto context = pyramid(x);
  context = spec().upsampling == "nearest" ? torch::upsample_nearest2d(context, size)
                                           : torch::upsample_bilinear2d(context, size, false);
  return counted_conv(head_, decode_->forward(torch::cat({shallow_(full_resolution), context}, 1)));
}

std::vector<torch::Tensor> DeepLabImpl::encoder_parameters() { return parameters_of(down_); }

}  // namespace xnet::model
