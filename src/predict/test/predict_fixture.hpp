#pragma once
// Shared by the predict tests: a tiny untrained model file (XNet, base 4 filters, so the
// network costs milliseconds), hand-made radiographs and datasets, and a way to run `xnet`.
#include <filesystem>
#include <string>

#include <opencv2/core.hpp>

#include "cli/test/run_xnet.hpp"

namespace xnet::test {

// A fresh folder under the system temp dir, removed by the caller's TearDown.
std::filesystem::path fresh_folder(const std::string& name);

// Saves an untrained XNet (base_filters, input_size) with the given classes count (3 or 4).
std::filesystem::path write_tiny_model(const std::filesystem::path& dir, int classes = 3,
                                       int base_filters = 4, int input_size = 64);

// A raw-polarity phantom (open beam bright, 16 bit): background, an ellipse of soft tissue,
// a bar of bone. With field_inset > 0 the border outside a rectangle inset by that many
// pixels is collimated (dark), as blades block the beam.
cv::Mat raw_phantom(cv::Size size, int field_inset = 0);
// Its labels (0 open beam, 1 soft tissue, 2 bone, 3 outside the field).
cv::Mat phantom_labels(cv::Size size, int field_inset = 0);

// Writes DATA/images/NAME.png (16 bit), DATA/masks/NAME.png and DATA/manifest.csv for the
// given phantom sizes; names are hand_000, hand_001, ...
std::filesystem::path write_phantom_dataset(const std::filesystem::path& root, const std::vector<cv::Size>& sizes);

// Running `xnet` itself: test::run of cli/test/run_xnet.hpp.

}  // namespace xnet::test
