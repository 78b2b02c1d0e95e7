#pragma once
// What a raster file declares about itself, checked before any pixel is allocated or decoded:
// its dimensions (against the caller's pixel limit) and whether every byte its structure
// points at is present. Decoders (OpenCV's, libjpeg) fill what is missing with grey or stop
// silently at a truncation; these checks turn that into an error naming the file.
#include <cstdint>
#include <filesystem>

#include <opencv2/core.hpp>

namespace xnet {

// Bounds on what reading one image may allocate.
struct ReadLimits {
  // 100 megapixels (input-safety issue): the largest flat-panel detectors are ~43x43 cm at
  // 100 um (18 MP) and stitched long-leg images ~40 MP, so this refuses only what no
  // radiograph is while keeping a float copy of the image under 400 MB.
  std::uint64_t max_pixels = 100'000'000;
};

// Throws an Error naming the file when width x height is empty or exceeds the limit.
void check_declared_size(const std::filesystem::path& file, std::uint64_t width, std::uint64_t height,
                         const ReadLimits& limits);

// PNG: walks the chunks from the signature to IEND (each length checked against the file's
// end, no data read) and checks IHDR's dimensions against the limit. Throws for a file that
// is not a PNG, is cut short or has a chunk reaching past its end.
void check_png_structure(const std::filesystem::path& file, const ReadLimits& limits);

// TIFF (libtiff, first directory): the dimensions against the limit, then every strip or
// tile of the image inside the file.
void check_tiff_structure(const std::filesystem::path& file, const ReadLimits& limits);

// JPEG through libjpeg, 8-bit, colour turned to gray by libjpeg (its luma); dimensions checked
// before decoding, and libjpeg's "premature end of data" (which it otherwise only warns of,
// filling the rest with grey) is an error. Sets converted_from_colour for a colour file.
cv::Mat read_jpeg(const std::filesystem::path& file, const ReadLimits& limits, bool& converted_from_colour);

}  // namespace xnet
