#pragma once
// Small networks for fast tests: every architecture and upsampling mode at base width 4.
#include <string>
#include <vector>

#include "model/network.hpp"

namespace xnet::model::test {

inline std::vector<engine::NetworkSpec> small_specs() {
  const std::vector<std::pair<std::string, std::vector<std::string>>> modes{
      {"xnet", {"nearest", "bilinear", "transposed"}},
      {"unet", {"transposed", "nearest", "bilinear"}},
      {"segnet", {"unpool", "nearest", "bilinear", "transposed"}},
      {"deeplab", {"bilinear", "nearest"}}};
  std::vector<engine::NetworkSpec> specs;
  for (const auto& [architecture, ups] : modes) {
    for (const auto& up : ups) {
      engine::NetworkSpec s;
      s.architecture = architecture;
      s.base_filters = 4;
      s.depth = architecture == "xnet" ? 4 : 3;
      s.upsampling = up;
      specs.push_back(s);
    }
  }
  return specs;
}

inline std::string name_of(const engine::NetworkSpec& s) { return s.architecture + "/" + s.upsampling; }

// Batch-norm running statistics away from their initial 0/1, as after training.
inline void settle_batch_norm(SegmentationNetImpl& net, int channels) {
  torch::NoGradGuard no_grad;
  net.train();
  for (int i = 0; i < 3; ++i) net.forward(torch::randn({2, channels, 24, 24}) * 2 + 0.5);
  net.eval();
}

}  // namespace xnet::model::test
