#include "metrics/score_bins.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace xnet::metrics {
namespace {

constexpr int lowest_exponent = -40;  // 2^-40 ~ 9e-13: closer to 0 or 1 shares the end bin
constexpr int exponents = -1 - lowest_exponent;  // exponents -40 .. -2 below 0.5, and 0.5 itself

std::uint32_t bits_of(float x) {
  std::uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

}  // namespace

ScoreBins::ScoreBins(int mantissa_bits) : mantissa_bits_(mantissa_bits) {
  if (mantissa_bits < 1 || mantissa_bits > 16)
    throw std::invalid_argument("ScoreBins: mantissa_bits must be in 1..16");
  half_ = (std::size_t(exponents) << mantissa_bits) + 1;
}

std::size_t ScoreBins::half_index(float x) const {
  const std::uint32_t b = bits_of(x);
  const int exponent = int(b >> 23) - 127;
  if (exponent < lowest_exponent) return 0;
  const std::uint32_t mantissa = (b & 0x7FFFFFu) >> (23 - mantissa_bits_);
  // x = 0.5 (exponent -1) lands on half_ exactly: 1 + 39 * 2^m.
  return 1 + (std::size_t(exponent - lowest_exponent) << mantissa_bits_) + mantissa;
}

std::size_t ScoreBins::index(float p) const {
  if (!(p > 0.0f)) return 0;
  if (p >= 1.0f) return count() - 1;
  if (p < 0.5f) return half_index(p);  // 0 .. half_ - 1
  return 2 * half_ + 1 - half_index(1.0f - p);  // half_ + 1 .. 2 half_ + 1
}

float ScoreBins::lower_edge(std::size_t bin) const {
  if (bin == 0) return 0.0f;
  // index() is monotone in p, and so in the bit pattern of non-negative floats: bisect.
  std::uint32_t lo = 0, hi = bits_of(1.0f);  // index(lo) < bin <= index(hi) unless bin is past 1
  auto at = [](std::uint32_t b) {
    float f;
    std::memcpy(&f, &b, sizeof f);
    return f;
  };
  if (index(at(hi)) < bin) return 1.0f;
  while (hi - lo > 1) {
    const std::uint32_t mid = lo + (hi - lo) / 2;
    (index(at(mid)) >= bin ? hi : lo) = mid;
  }
  return at(hi);
}

bool ScoreBins::single_valued(std::size_t bin) const {
  const float edge = lower_edge(bin);
  return edge >= 1.0f || index(std::nextafter(edge, 2.0f)) != bin;
}

}  // namespace xnet::metrics
