#pragma once
// One in-memory radiograph, whatever file it came from (PNG, JPEG, TIFF, DICOM).
#include <array>
#include <filesystem>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

namespace xnet {

enum class Photometric { unknown, monochrome1, monochrome2, rgb };

struct Radiograph {
  // CV_32FC1. Values as stored in the file after DICOM's Modality LUT (rescale slope and
  // intercept); MONOCHROME1 already turned to MONOCHROME2 orientation (high = bright).
  cv::Mat pixels;
  std::filesystem::path source;
  int bit_depth = 0;  // 8, 16, 32 (float) or DICOM BitsStored
  Photometric photometric = Photometric::unknown;  // as found in the file, before conversion
  std::optional<std::array<double, 2>> pixel_spacing_mm;  // row, column spacing (DICOM)
  // Nominal full scale of the stored values: 255, 65535, 1.0 for float; for DICOM the highest
  // value the stored bits can take after the modality transform.
  double full_scale = 0.0;
  // Lowest representable value: 0 except for signed data or a DICOM rescale intercept, so
  // (pixels - range_min) / (full_scale - range_min) maps the representable range to 0..1.
  double range_min = 0.0;
  bool converted_from_rgb = false;  // a colour file was turned into gray (with a warning)

  int width() const { return pixels.cols; }
  int height() const { return pixels.rows; }
};

// Reads PNG, JPEG, TIFF (8/16-bit, 32-bit float) and DICOM (uncompressed and the compressed
// transfer syntaxes DCMTK decodes). Throws xnet::Error naming the file when it cannot.
Radiograph read_radiograph(const std::filesystem::path& file);

// True for the extensions read_radiograph understands (.png .jpg .jpeg .tif .tiff .dcm, or a
// file starting with the DICOM preamble).
bool is_radiograph_file(const std::filesystem::path& file);

enum class PixelDepth { u8, u16, f32 };

// Writes a gray image atomically as PNG, TIFF or JPEG (by extension) at the given depth; values
// are rounded and clamped to the depth's range (f32: TIFF only; JPEG: u8 only, lossy).
void write_radiograph_image(const std::filesystem::path& file, const cv::Mat& pixels,
                            PixelDepth depth);

// Label maps: 8-bit single-channel PNG (contract.md). Reading checks type and size only;
// label values are checked by the dataset layer, which knows where the mask comes from.
cv::Mat read_label_map(const std::filesystem::path& file);
void write_label_map(const std::filesystem::path& file, const cv::Mat& labels);

}  // namespace xnet
