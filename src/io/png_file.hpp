#pragma once
// PNG writing tuned for speed: the masks and overlays of full-resolution radiographs, written
// for every image of a batch.
#include <filesystem>
#include <vector>

#include <opencv2/core.hpp>

namespace xnet {

// Writes an 8-bit gray, 8-bit BGR or 16-bit gray image to `file` atomically (a temporary file
// renamed into place), deflated by libdeflate at level 1: speed over a few percent of size.
// Throws xnet::Error naming the file on any failure, leaving no file behind.
void write_png(const std::filesystem::path& file, const cv::Mat& image);

// The same encoding straight into `file` (a temporary the caller renames, core/atomic_file.hpp
// FileSet); errors name `named`, the file the user will see.
void write_png_file(const std::filesystem::path& file, const cv::Mat& image, const std::filesystem::path& named);

// The same PNG in memory (an HTTP response's image); throws xnet::Error on failure.
std::vector<unsigned char> encode_png(const cv::Mat& image);

}  // namespace xnet
