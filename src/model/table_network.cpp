#include "model/table_network.hpp"

#include <map>

namespace xnet::model {
namespace {

using engine::LayerKind;

// Registers `module` at a dotted path ("down0.1"), nesting plain modules for the parts before
// the last dot: the parameter names the table gives (and earlier model.pt files hold).
template <typename M>
M register_at(torch::nn::Module& root, std::map<std::string, std::shared_ptr<torch::nn::Module>>& holders,
              const std::string& path, M module) {
  torch::nn::Module* owner = &root;
  std::string::size_type start = 0;
  for (auto dot = path.find('.'); dot != std::string::npos; dot = path.find('.', start)) {
    const auto prefix = path.substr(0, dot);
    auto& holder = holders[prefix];
    if (!holder) holder = owner->register_module(path.substr(start, dot - start), std::make_shared<torch::nn::Module>());
    owner = holder.get();
    start = dot + 1;
  }
  return owner->register_module(path.substr(start), module);
}

}  // namespace

TableNetworkImpl::TableNetworkImpl(const engine::NetworkSpec& s)
    : SegmentationNetImpl(s), table_(engine::layer_table(spec())), last_use_(table_.last_use()) {
  const int k = spec().kernel_size;
  std::map<std::string, std::shared_ptr<torch::nn::Module>> holders;
  for (const auto& layer : table_.layers) {
    LayerModule module;
    switch (layer.kind) {
      case LayerKind::block:
        module.block = register_at(*this, holders, layer.name, ConvBlock(ConvBlockOptions{layer.in, layer.out, k}));
        break;
      case LayerKind::up_block:
        module.up = register_at(*this, holders, layer.name, UpStep(spec().upsampling, layer.in, layer.out, k));
        break;
      case LayerKind::head:
        module.head = register_at(*this, holders, layer.name,
                                  torch::nn::Conv2d(torch::nn::Conv2dOptions(layer.in, layer.out, 1)));
        break;
      case LayerKind::pool:
      case LayerKind::concat: break;
    }
    modules_.push_back(module);
  }
}

torch::Tensor TableNetworkImpl::forward_aligned(torch::Tensor x) {
  std::vector<torch::Tensor> out(table_.layers.size());
  auto input = [&](int index) -> const torch::Tensor& { return index == engine::kImage ? x : out[index]; };
  for (std::size_t i = 0; i < table_.layers.size(); ++i) {
    const auto& layer = table_.layers[i];
    const auto& first = input(layer.inputs.front());
    switch (layer.kind) {
      case LayerKind::block: out[i] = modules_[i].block->forward(first); break;
      case LayerKind::up_block: out[i] = modules_[i].up->forward(first); break;
      case LayerKind::pool: out[i] = pool(first); break;
      case LayerKind::concat: out[i] = torch::cat({first, input(layer.inputs[1])}, 1); break;
      case LayerKind::head: out[i] = counted_conv(modules_[i].head, first); break;
    }
    // Inference frees what no later layer reads (training's autograd keeps what it needs).
    for (int in : layer.inputs)
      if (in != engine::kImage && last_use_[in] == static_cast<int>(i)) out[in] = torch::Tensor();
  }
  return out.back();
}

std::vector<torch::Tensor> TableNetworkImpl::encoder_parameters() {
  std::vector<torch::Tensor> params;
  for (std::size_t i = 0; i < table_.layers.size(); ++i)
    if (table_.layers[i].encoder && modules_[i].block)
      for (const auto& p : modules_[i].block->parameters()) params.push_back(p);
  return params;
}

}  // namespace xnet::model
