#pragma once
// Label values of the dataset contract (contract.md) and class order of the reference code
// (reference.md: 0 open beam, 1 soft tissue, 2 bone); 3 collimator is optional.
#include <array>
#include <cstdint>
#include <string>

namespace xnet::label {

constexpr std::uint8_t open_beam = 0;
constexpr std::uint8_t soft_tissue = 1;
constexpr std::uint8_t bone = 2;
constexpr std::uint8_t collimator = 3;
constexpr std::uint8_t ignore = 255;  // not counted in loss or metrics

constexpr int max_classes = 4;
inline const std::array<std::string, max_classes> names = {"open_beam", "soft_tissue", "bone",
                                                           "collimator"};

inline bool is_valid(std::uint8_t v) { return v <= collimator || v == ignore; }

}  // namespace xnet::label
