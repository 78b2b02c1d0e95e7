#pragma once
// XNet (arXiv:1812.00548) and U-Net (Ronneberger et al. 2015) as LibTorch modules built from
// their layer table (engine/network_layers): the modules registered under the table's names
// (model.pt's parameter names) and forward running the table in order, so the network trained
// is the network the oneDNN engine runs.
#include <vector>

#include "engine/network_layers.hpp"
#include "model/blocks.hpp"
#include "model/network.hpp"

namespace xnet::model {

struct TableNetworkImpl : SegmentationNetImpl {
  explicit TableNetworkImpl(const engine::NetworkSpec& spec);
  std::vector<torch::Tensor> encoder_parameters() override;
  int size_multiple() const override { return table_.size_multiple; }
  const engine::LayerTable& table() const { return table_; }

 protected:
  torch::Tensor forward_aligned(torch::Tensor x) override;

 private:
  engine::LayerTable table_;
  std::vector<int> last_use_;
  // Per layer, the module that computes it (one of the three; none for pool and concat).
  struct LayerModule {
    ConvBlock block{nullptr};
    UpStep up{nullptr};
    torch::nn::Conv2d head{nullptr};
  };
  std::vector<LayerModule> modules_;
};

}  // namespace xnet::model
