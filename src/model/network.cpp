#include "model/network.hpp"

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "model/blocks.hpp"
#include "model/deeplab.hpp"
#include "model/segnet.hpp"
#include "model/unet.hpp"
#include "model/xnet.hpp"

namespace xnet::model {
namespace {

struct Architecture {
  std::vector<std::string> upsampling;  // allowed; the first is the architecture's own
  int min_depth, max_depth;
  std::function<SegmentationNet(const NetworkSpec&)> make;
};

// XNet and U-Net cannot unpool: the block after the upsampling changes the channel count
// between the pooled and the upsampled tensors. DeepLab's decoder upsamples by 2^(depth-1)
// in one step, so only interpolation applies.
const std::map<std::string, Architecture>& architectures() {
  static const std::map<std::string, Architecture> table{
      {"xnet", {{"nearest", "bilinear", "transposed"}, 4, 4,
                [](const NetworkSpec& s) { return std::make_shared<XNetImpl>(s); }}},
      {"unet", {{"transposed", "nearest", "bilinear"}, 1, 7,
                [](const NetworkSpec& s) { return std::make_shared<UNetImpl>(s); }}},
      {"segnet", {{"unpool", "nearest", "bilinear", "transposed"}, 1, 7,
                  [](const NetworkSpec& s) { return std::make_shared<SegNetImpl>(s); }}},
      {"deeplab", {{"bilinear", "nearest"}, 2, 7,
                   [](const NetworkSpec& s) { return std::make_shared<DeepLabImpl>(s); }}},
  };
  return table;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : "|") + n;
  return out;
}

}  // namespace

NetworkSpec resolve(NetworkSpec spec) {
  std::vector<std::string> names;
  for (const auto& [name, _] : architectures()) names.push_back(name);
  const auto found = architectures().find(spec.architecture);
  if (found == architectures().end())
    throw UsageError("unknown architecture '" + spec.architecture + "' (" + joined(names) + ")");
  const auto& arch = found->second;
  if (spec.upsampling == "auto") spec.upsampling = arch.upsampling.front();
  if (std::find(arch.upsampling.begin(), arch.upsampling.end(), spec.upsampling) == arch.upsampling.end())
    throw UsageError(spec.architecture + " cannot upsample by '" + spec.upsampling + "' (" + joined(arch.upsampling) + ")");
  if (spec.depth < arch.min_depth || spec.depth > arch.max_depth)
    throw UsageError(spec.architecture + " depth must be in " + std::to_string(arch.min_depth) + ".." +
                     std::to_string(arch.max_depth) + ", got " + std::to_string(spec.depth));
  if (spec.base_filters < 1 || spec.input_channels < 1 || spec.classes < 2 || spec.kernel_size < 1 ||
      spec.kernel_size % 2 == 0)
    throw UsageError("network needs base filters >= 1, input channels >= 1, classes >= 2 and an odd kernel size");
  return spec;
}

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

SegmentationNet make_network(const NetworkSpec& spec) {
  const auto resolved = resolve(spec);
  return architectures().at(resolved.architecture).make(resolved);
}

int64_t count_trainable_parameters(const torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& p : module.parameters())
    if (p.requires_grad()) count += p.numel();
  return count;
}

double gflop_per_image(const NetworkSpec& spec, int height, int width) {
  auto net = make_network(spec);
  net->eval();
  torch::NoGradGuard no_grad;
  FlopCounter counter;
  net->forward(torch::empty({1, spec.input_channels, height, width}, torch::device(torch::kMeta)));
  return counter.flops() / 1e9;
}

}  // namespace xnet::model
