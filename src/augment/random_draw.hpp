#pragma once
// Random parameters drawn from the caller's generator: no global state, so loader threads
// each pass their own std::mt19937 and a seed reproduces a run. Every draw is one statement,
// so the order of draws (and the result) does not depend on argument evaluation order.
#include <random>

namespace xnet::draw {

inline double uniform(std::mt19937& rng, double low, double high) {
  return std::uniform_real_distribution<double>(low, high)(rng);
}

inline double symmetric(std::mt19937& rng, double half_width) {
  return uniform(rng, -half_width, half_width);
}

inline bool chance(std::mt19937& rng, double probability) {
  return uniform(rng, 0.0, 1.0) < probability;
}

}  // namespace xnet::draw
