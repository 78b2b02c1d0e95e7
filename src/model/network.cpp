#include "model/network.hpp"

#include "model/blocks.hpp"
#include "model/deeplab.hpp"
#include "model/segnet.hpp"
#include "model/table_network.hpp"

namespace xnet::model {
namespace {

// The architectures with a layer table are built from it; SegNet's unpooling and DeepLab's
// atrous pyramid are modules of their own.
SegmentationNet build(const engine::NetworkSpec& spec) {
  if (engine::has_layer_table(spec.architecture)) return std::make_shared<TableNetworkImpl>(spec);
  if (spec.architecture == "segnet") return std::make_shared<SegNetImpl>(spec);
  return std::make_shared<DeepLabImpl>(spec);
}

}  // namespace

torch::Tensor SegmentationNetImpl::forward(torch::Tensor x) {
  const int64_t height = x.size(2), width = x.size(3), m = size_multiple();
  const int64_t pad_bottom = (m - height % m) % m, pad_right = (m - width % m) % m;
  if (pad_bottom == 0 && pad_right == 0) return forward_aligned(x);
  // Replicating the border works for any size (reflection needs the pad below the size).
  const auto padded = torch::replication_pad2d(x, {0, pad_right, 0, pad_bottom});
  return forward_aligned(padded).narrow(2, 0, height).narrow(3, 0, width);
}

std::vector<torch::Tensor> SegmentationNetImpl::convolution_weights() {
  std::vector<torch::Tensor> weights;
  for (const auto& module : modules(/*include_self=*/false)) {
    if (auto* conv = module->as<torch::nn::Conv2dImpl>()) weights.push_back(conv->weight);
    if (auto* conv = module->as<torch::nn::ConvTranspose2dImpl>()) weights.push_back(conv->weight);
  }
  return weights;
}

SegmentationNet make_network(const engine::NetworkSpec& spec) {
  return build(resolve(spec));
}

int64_t count_trainable_parameters(const torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& p : module.parameters())
    if (p.requires_grad()) count += p.numel();
  return count;
}

double gflop_per_image(const engine::NetworkSpec& spec, int height, int width) {
  auto net = make_network(spec);
  net->eval();
  torch::NoGradGuard no_grad;
  FlopCounter counter;
  net->forward(torch::empty({1, spec.input_channels, height, width}, torch::device(torch::kMeta)));
  return counter.flops() / 1e9;
}

}  // namespace xnet::model
