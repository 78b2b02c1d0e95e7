#pragma once
// Small datasets written on the fly: a radiograph and its mask per sample.
#include <filesystem>
#include <string>

#include <opencv2/core.hpp>

#include "core/atomic_file.hpp"
#include "io/radiograph.hpp"

namespace xnet::test {

// A 16-bit radiograph of the given size; labels: left third 0, middle 1, right 2.
inline void write_sample(const std::filesystem::path& root, const std::string& image,
                         const std::string& mask, int cols = 12, int rows = 8) {
  ensure_directory((root / image).parent_path());
  cv::Mat pixels(rows, cols, CV_32F);
  cv::randu(pixels, 0, 65535);
  write_radiograph_image(root / image, pixels, PixelDepth::u16);
  if (mask.empty()) return;
  ensure_directory((root / mask).parent_path());
  cv::Mat labels(rows, cols, CV_8U);
  for (int x = 0; x < cols; ++x) labels.col(x).setTo(3 * x / cols);
  write_label_map(root / mask, labels);
}

}  // namespace xnet::test
