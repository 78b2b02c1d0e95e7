#include "train/balanced_sampler.hpp"

#include <random>

#include "core/error.hpp"
#include "data/split.hpp"

namespace xnet {

BalancedSampler::BalancedSampler(std::vector<std::string> categories, std::uint64_t seed,
                                 int epoch_size)
    : seed_(seed), epoch_size_(epoch_size > 0 ? epoch_size : static_cast<int>(categories.size())) {
  if (categories.empty()) throw Error("no training images to sample from");
  for (auto& [name, members] : group_by_category(categories)) members_.push_back(members);
}

std::vector<int> BalancedSampler::epoch(int epoch) const {
  // One stream per epoch: seed and epoch mixed through seed_seq.
  std::seed_seq seq{static_cast<std::uint32_t>(seed_), static_cast<std::uint32_t>(seed_ >> 32),
                    static_cast<std::uint32_t>(epoch), 0x5a4dU};
  std::mt19937_64 rng(seq);
  const int c = categories();
  std::vector<int> quota(c, epoch_size_ / c);
  std::vector<int> order(c);
  for (int i = 0; i < c; ++i) order[i] = i;
  shuffle_deterministic(order, rng);
  for (int i = 0; i < epoch_size_ % c; ++i) ++quota[order[i]];

  std::vector<int> drawn;
  drawn.reserve(epoch_size_);
  for (int k = 0; k < c; ++k) {
    std::vector<int> round = members_[k];
    std::size_t next = round.size();
    for (int q = 0; q < quota[k]; ++q) {
      if (next == round.size()) {
        shuffle_deterministic(round, rng);
        next = 0;
      }
      drawn.push_back(round[next++]);
    }
  }
  shuffle_deterministic(drawn, rng);
  return drawn;
}

}  // namespace xnet
