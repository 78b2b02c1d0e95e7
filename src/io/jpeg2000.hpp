#pragma once
// JPEG 2000 codestreams (DICOM transfer syntaxes 1.2.840.10008.1.2.4.90 lossless and .91
// lossy), decoded by OpenJPEG: DCMTK's free codecs have none.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include <opencv2/core.hpp>

#include "io/file_structure.hpp"

namespace xnet {

struct Jpeg2000Image {
  cv::Mat values;  // CV_32S, one channel per component (1 grey, 3 colour after OpenJPEG's inverse MCT)
  int precision = 0;  // bits per sample of the first component
  bool is_signed = false;
};

// Decodes a raw J2K codestream or a JP2 file held in memory. The size its header declares is
// checked against `limits`, and against `expected` (columns x rows, e.g. a DICOM's Rows and
// Columns) where given, before anything is decoded; a damaged or truncated stream is an Error
// naming `file`.
Jpeg2000Image decode_jpeg2000(std::vector<std::uint8_t> stream, const std::filesystem::path& file,
                              const ReadLimits& limits, std::optional<cv::Size> expected = std::nullopt);

// Encodes one component losslessly (reversible 5/3 wavelet) as a raw J2K codestream: what
// modalities store in a DICOM of transfer syntax .90 (tests and fuzz seeds write them).
std::vector<std::uint8_t> encode_jpeg2000_lossless(const cv::Mat& values, int precision, bool is_signed);

}  // namespace xnet
