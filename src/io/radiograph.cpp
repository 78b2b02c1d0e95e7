#include "io/radiograph.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <spdlog/spdlog.h>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "io/dicom.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

std::string lower_extension(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

bool is_opencv_image(const std::string& ext) {
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".tif" || ext == ".tiff";
}

// Colour radiographs (screenshots, exported JPEGs) become gray; the user is told, since a
// colour file in an X-ray dataset is often a label image put in the wrong folder.
cv::Mat to_gray(const cv::Mat& raw, const fs::path& file) {
  cv::Mat gray;
  switch (raw.channels()) {
    case 1: return raw;
    case 2: cv::extractChannel(raw, gray, 0); return gray;  // gray + alpha
    case 3: cv::cvtColor(raw, gray, cv::COLOR_BGR2GRAY); break;
    case 4: cv::cvtColor(raw, gray, cv::COLOR_BGRA2GRAY); break;
    default: throw file_error(file, "unsupported number of channels: " + std::to_string(raw.channels()));
  }
  spdlog::warn("{}: colour image converted to gray", file.string());
  return gray;
}

// Non-finite float pixels (a detector's dead-pixel marker, a failed reconstruction) carry no
// signal: 0, which every later stage treats as such.
void zero_non_finite(cv::Mat& pixels, const fs::path& file) {
  std::size_t bad = 0;
  for (int y = 0; y < pixels.rows; ++y) {
    float* row = pixels.ptr<float>(y);
    for (int x = 0; x < pixels.cols; ++x)
      if (!std::isfinite(row[x])) {
        row[x] = 0.0f;
        ++bad;
      }
  }
  if (bad)
    spdlog::warn("{}: {} of {} pixels are NaN or infinite: ignored (taken as no signal)", file.string(), bad,
                 pixels.total());
}

// Structure and size first (file_structure.hpp), so that OpenCV never allocates for a hostile
// header nor decodes a cut-off stream into a half-grey image.
cv::Mat decode_checked(const fs::path& file, const std::string& ext, const ReadLimits& limits, bool& colour) {
  if (ext == ".jpg" || ext == ".jpeg") {
    cv::Mat gray = read_jpeg(file, limits, colour);
    if (colour) spdlog::warn("{}: colour image converted to gray", file.string());
    return gray;
  }
  if (ext == ".png") check_png_structure(file, limits);
  else check_tiff_structure(file, limits);
  cv::Mat raw = cv::imread(file.string(), cv::IMREAD_UNCHANGED);
  if (raw.empty()) throw file_error(file, "cannot read as an image (corrupt or unsupported file)");
  colour = raw.channels() >= 3;
  return to_gray(raw, file);
}

Radiograph read_opencv_image(const fs::path& file, const ReadLimits& limits) {
  bool colour = false;
  const cv::Mat gray = decode_checked(file, lower_extension(file), limits, colour);
  Radiograph r;
  r.source = file;
  r.converted_from_rgb = colour;
  r.photometric = colour ? Photometric::rgb : Photometric::unknown;
  switch (gray.depth()) {
    case CV_8U: r.bit_depth = 8; r.full_scale = 255.0; break;
    case CV_16U: r.bit_depth = 16; r.full_scale = 65535.0; break;
    case CV_16S: r.bit_depth = 16; r.full_scale = 32767.0; r.range_min = -32768.0; break;
    case CV_32F: r.bit_depth = 32; r.full_scale = 1.0; break;
    default:
      throw file_error(file, "unsupported pixel type (expected 8/16-bit integer or 32-bit float)");
  }
  gray.convertTo(r.pixels, CV_32F);
  if (gray.depth() == CV_32F) zero_non_finite(r.pixels, file);
  return r;
}

}  // namespace

bool is_radiograph_file(const fs::path& file) {
  return is_opencv_image(lower_extension(file)) || is_dicom_file(file);
}

Radiograph read_radiograph(const fs::path& file, const ReadLimits& limits) {
  if (!fs::exists(file)) throw file_error(file, "file not found");
  if (fs::is_directory(file)) throw file_error(file, "is a folder, not an image");
  if (is_opencv_image(lower_extension(file))) return read_opencv_image(file, limits);
  if (is_dicom_file(file)) return read_dicom(file, limits);
  throw file_error(file, "unknown image format (expected PNG, JPEG, TIFF or DICOM)");
}

void write_radiograph_image(const fs::path& file, const cv::Mat& pixels, PixelDepth depth) {
  if (pixels.channels() != 1) throw file_error(file, "a radiograph to write must be single-channel");
  const std::string ext = lower_extension(file);
  const bool tiff = ext == ".tif" || ext == ".tiff";
  const bool jpeg = ext == ".jpg" || ext == ".jpeg";
  if (!tiff && !jpeg && ext != ".png")
    throw file_error(file, "cannot write '" + ext + "' (expected .png, .tif, .tiff, .jpg)");
  if (depth == PixelDepth::f32 && !tiff) throw file_error(file, "32-bit float needs TIFF");
  if (depth == PixelDepth::u16 && jpeg) throw file_error(file, "JPEG holds 8-bit only");
  cv::Mat out;
  switch (depth) {
    case PixelDepth::u8: pixels.convertTo(out, CV_8U); break;
    case PixelDepth::u16: pixels.convertTo(out, CV_16U); break;
    case PixelDepth::f32: pixels.convertTo(out, CV_32F); break;
  }
  write_atomically(file, [&](const fs::path& tmp) {
    if (!cv::imwrite(tmp.string(), out)) throw file_error(file, "cannot write image");
  });
}

cv::Mat read_label_map(const fs::path& file) {
  if (!fs::exists(file)) throw file_error(file, "file not found");
  cv::Mat m = cv::imread(file.string(), cv::IMREAD_UNCHANGED);
  if (m.empty()) throw file_error(file, "cannot read as an image (corrupt or unsupported file)");
  if (m.type() != CV_8UC1)
    throw file_error(file, "a mask must be an 8-bit single-channel PNG (found " +
                               std::to_string(m.channels()) + " channel(s), " +
                               std::to_string(8 * m.elemSize1()) + "-bit)");
  return m;
}

void write_label_map(const fs::path& file, const cv::Mat& labels) {
  if (labels.type() != CV_8UC1) throw file_error(file, "a label map must be 8-bit single-channel");
  write_atomically(file, [&](const fs::path& tmp) {
    if (!cv::imwrite(tmp.string(), labels)) throw file_error(file, "cannot write mask");
  });
}

}  // namespace xnet
