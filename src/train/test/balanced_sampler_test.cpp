#include "train/balanced_sampler.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

using namespace xnet;

TEST(BalancedSampler, EveryCategoryEquallyOften) {
  // 30 hand, 6 knee, 1 foot: an epoch of 37 draws gives each category 12 or 13.
  std::vector<std::string> cats(30, "hand");
  cats.insert(cats.end(), 6, "knee");
  cats.push_back("foot");
  const BalancedSampler sampler(cats, 11);
  for (int e = 0; e < 3; ++e) {
    const auto drawn = sampler.epoch(e);
    ASSERT_EQ(drawn.size(), cats.size());
    std::map<std::string, int> per_cat;
    std::map<int, int> per_image;
    for (int i : drawn) {
      ++per_cat[cats[i]];
      ++per_image[i];
    }
    for (const auto& [c, n] : per_cat) EXPECT_TRUE(n == 12 || n == 13) << c << " " << n;
    // Within a category, images are drawn in rounds: knee's 6 images are each drawn 2 or 3 times.
    for (int i = 30; i < 36; ++i) EXPECT_GE(per_image[i], 2);
  }
  EXPECT_EQ(sampler.epoch(2), BalancedSampler(cats, 11).epoch(2));
  EXPECT_NE(sampler.epoch(1), sampler.epoch(2));
}

TEST(BalancedSampler, ExplicitEpochSize) {
  const std::vector<std::string> cats = {"a", "a", "a", "b"};
  const auto drawn = BalancedSampler(cats, 1, 10).epoch(0);
  EXPECT_EQ(std::count(drawn.begin(), drawn.end(), 3), 5);
}
