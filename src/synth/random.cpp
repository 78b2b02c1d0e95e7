#include "synth/random.hpp"

#include <cmath>

namespace xnet::synth {

namespace {
// splitmix64: spreads a seed over the 256-bit state (Vigna's recommended seeding).
std::uint64_t splitmix(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Random::Random(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t x = seed * 0xD1342543DE82EF95ull ^ (stream + 0x2545F4914F6CDD1Dull);
  for (auto& s : s_) s = splitmix(x);
}

std::uint64_t Random::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Random::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Random::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

int Random::integer(int lo, int hi) {
  return lo + static_cast<int>(uniform() * static_cast<double>(hi - lo + 1));
}

bool Random::chance(double p) { return uniform() < p; }

double Random::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_normal_;
  }
  const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  spare_normal_ = r * std::sin(2.0 * M_PI * u2);
  has_spare_ = true;
  return r * std::cos(2.0 * M_PI * u2);
}

double Random::poisson(double mean) {
  if (mean <= 0.0) return 0.0;
  if (mean > 64.0) return std::max(0.0, std::round(mean + std::sqrt(mean) * normal()));
  // Inversion by sequential search (Devroye 1986, sec. X.3): exact, O(mean) steps.
  double p = std::exp(-mean), cumulative = p, u = uniform();
  int k = 0;
  while (u > cumulative && k < 1000) {
    ++k;
    p *= mean / k;
    cumulative += p;
  }
  return k;
}

}  // namespace xnet::synth
