#pragma once
// The random source of one synthetic image. Seeded from (dataset seed, image index) only, so
// an image's bytes do not depend on which thread made it or in what order. Our own generator
// and distributions (not <random>'s, whose distributions differ between standard libraries).
// Every draw is its own statement or an element of a braced list, never two in one call's
// arguments or one expression's operands: C++ leaves their order open, and GCC (right to
// left) and clang (left to right) made different images from one seed until they were named.
// Named in the order GCC drew them, so the images stayed the same.
#include <cstdint>

namespace xnet::synth {

class Random {
 public:
  Random(std::uint64_t seed, std::uint64_t stream);

  std::uint64_t next();                 // xoshiro256** step
  double uniform();                     // [0, 1)
  double uniform(double lo, double hi); // [lo, hi)
  int integer(int lo, int hi);          // [lo, hi] inclusive
  bool chance(double p);                // true with probability p
  double normal();                      // standard normal (Box-Muller)
  double normal(double mean, double sd) { return mean + sd * normal(); }
  // Poisson counts: exact (inversion) for small means, normal approximation above 64 where
  // the difference is far below the electronic noise.
  double poisson(double mean);

 private:
  std::uint64_t s_[4];
  double spare_normal_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace xnet::synth
