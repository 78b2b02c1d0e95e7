#pragma once
// Fine, memory-bounded bins for probabilities in [0, 1], ordered like the probabilities.
//
// Why not equal-width bins: a confident network puts most pixels within 1e-4 of 0 or 1, where
// equal-width bins would lump positives and negatives together. These bins follow the float
// format instead: p < 0.5 is binned by its exponent and top `mantissa_bits` mantissa bits,
// p >= 0.5 the same way by q = 1 - p (exact in float for p >= 0.5, Sterbenz lemma). So the bin
// width is at most 2^-mantissa_bits of the distance to the nearer end (at p = 0.5: 2^-13 for
// 12 bits), down to 2^-40; everything closer to an end than 2^-40 shares the end bin.
// The bin index is non-decreasing in p, so a threshold between bins is a threshold on p.
#include <cstddef>

namespace xnet::metrics {

class ScoreBins {
 public:
  explicit ScoreBins(int mantissa_bits);

  std::size_t count() const { return 2 * (half_ + 1); }
  // p outside [0, 1] is clamped; NaN must be rejected by the caller.
  std::size_t index(float p) const;
  // The smallest float p with index(p) >= bin: "bin >= b" is exactly "p >= lower_edge(b)",
  // i.e. "p > nextafter(lower_edge(b), 0)", the form of the decision rule (reference.md).
  float lower_edge(std::size_t bin) const;
  // True when the bin holds one float value only (near 0 and 1 bins get that narrow): ties
  // in it are true ties, which the exact AUC counts as 1/2 too.
  bool single_valued(std::size_t bin) const;
  int mantissa_bits() const { return mantissa_bits_; }

 private:
  std::size_t half_index(float x) const;  // x in [0, 0.5] -> [0, half_]
  int mantissa_bits_;
  std::size_t half_;
};

}  // namespace xnet::metrics
