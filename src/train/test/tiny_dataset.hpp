#pragma once
// A tiny labelled dataset drawn with OpenCV for fast training tests: raw-polarity images
// (open beam bright, soft tissue darker, bone darkest) of a few categories.
#include <filesystem>

namespace xnet::test {

// Writes DIR/manifest.csv, DIR/images/*.png (16-bit), DIR/masks/*.png; `count` images of
// `size` px spread over three categories ("disc", "bar", "ring").
void write_tiny_dataset(const std::filesystem::path& dir, int count, int size, unsigned seed);

}  // namespace xnet::test
