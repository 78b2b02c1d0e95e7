#pragma once
// Category balancing by sampling (reference.md: "every category brought to the same number of
// examples"): each epoch is a list of indices into the training images in which every
// category appears equally often. Nothing is copied; small categories are simply drawn more
// often, each time with a fresh augmentation. Torch-free.
#include <cstdint>
#include <string>
#include <vector>

namespace xnet {

class BalancedSampler {
 public:
  // categories[i] is the category of training image i. epoch_size 0 = one draw per image.
  BalancedSampler(std::vector<std::string> categories, std::uint64_t seed, int epoch_size = 0);

  // Indices drawn for epoch `epoch` (0-based). Depends only on (seed, epoch), so a resumed run
  // sees the same order. Every category gets epoch_size / C draws (the remainder goes to
  // randomly chosen categories, one extra each); within a category images are drawn without
  // replacement, cycling through reshuffled rounds; the whole list is shuffled.
  std::vector<int> epoch(int epoch) const;

  int epoch_size() const { return epoch_size_; }
  int categories() const { return static_cast<int>(members_.size()); }

 private:
  std::vector<std::vector<int>> members_;  // per category, sorted by category name
  std::uint64_t seed_;
  int epoch_size_;
};

}  // namespace xnet
