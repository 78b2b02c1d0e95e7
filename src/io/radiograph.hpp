#pragma once
// One in-memory radiograph, whatever file it came from (PNG, JPEG, TIFF, DICOM).
#include <array>
#include <filesystem>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "io/file_structure.hpp"

namespace xnet {

enum class Photometric { unknown, monochrome1, monochrome2, rgb };

// What the file's own metadata says of the image's processing: DICOM's Presentation Intent
// Type (0008,0068) or a SOP class that names it (DX, mammography, intra-oral: "For
// Presentation" / "For Processing"). Other formats say nothing.
enum class PresentationIntent { unknown, for_processing, for_presentation };

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
  PresentationIntent presentation_intent = PresentationIntent::unknown;
  std::string intent_evidence;  // the element that said so, for messages ("SOP class ...")

  int width() const { return pixels.cols; }
  int height() const { return pixels.rows; }
};

// Reads PNG, JPEG, TIFF (8/16-bit, 32-bit float) and DICOM (uncompressed and the compressed
// transfer syntaxes DCMTK decodes). Throws xnet::Error naming the file when it cannot, when
// the file declares more pixels than `limits` allows (checked before decoding), and when it
// is truncated or inconsistent (file_structure.hpp, dicom.hpp). Float pixels that are NaN or
// infinite are reported (a warning naming the file) and set to 0, "no signal", which the
// normalisation leaves out (preprocess/preprocessing.hpp).
Radiograph read_radiograph(const std::filesystem::path& file, const ReadLimits& limits = {});

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
