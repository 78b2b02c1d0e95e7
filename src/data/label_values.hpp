#pragma once
// Label values in masks: counting them, and describing what is wrong (contract.md: 0-3, 255).
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include <opencv2/core.hpp>

namespace xnet {

// How many pixels hold each of the 256 possible values of an 8-bit label map.
struct LabelCounts {
  std::array<std::uint64_t, 256> by_value{};
  std::uint64_t invalid() const;  // pixels whose value is neither a class nor ignore
};
LabelCounts count_labels(const cv::Mat& labels);

// "" when every value is allowed; otherwise the bad value(s), where the first one is, and how
// many pixels are bad, e.g. "invalid label value 7 at (x=3, y=5), 12 pixels (allowed: 0-3, 255)".
std::string describe_invalid_labels(const cv::Mat& labels, const LabelCounts& counts);

// "" when mask and image have the same size, else a sentence naming the image and both sizes.
std::string describe_size_mismatch(const cv::Mat& mask, const cv::Mat& image,
                                   const std::filesystem::path& image_file);

}  // namespace xnet
