#include "io/radiograph.hpp"

#include <algorithm>
#include <cctype>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {
std::string lower_extension(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}
}  // namespace

bool is_radiograph_file(const fs::path& file) {
  const std::string ext = lower_extension(file);
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".tif" || ext == ".tiff" ||
         ext == ".dcm";
}

// Minimal OpenCV-only reader; DICOM and the full metadata come with issue #2's io work.
Radiograph read_radiograph(const fs::path& file) {
  if (!fs::exists(file)) throw file_error(file, "file not found");
  cv::Mat raw = cv::imread(file.string(), cv::IMREAD_UNCHANGED);
  if (raw.empty()) throw file_error(file, "cannot read as an image");
  Radiograph r;
  r.source = file;
  if (raw.channels() > 1) {
    cv::cvtColor(raw, raw, raw.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    r.converted_from_rgb = true;
    r.photometric = Photometric::rgb;
  }
  switch (raw.depth()) {
    case CV_8U: r.bit_depth = 8; r.full_scale = 255.0; break;
    case CV_16U: r.bit_depth = 16; r.full_scale = 65535.0; break;
    case CV_32F: r.bit_depth = 32; r.full_scale = 1.0; break;
    default: throw file_error(file, "unsupported pixel type (expected 8/16-bit integer or 32-bit float)");
  }
  raw.convertTo(r.pixels, CV_32F);
  return r;
}

void write_radiograph_image(const fs::path& file, const cv::Mat& pixels, PixelDepth depth) {
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
  if (m.empty()) throw file_error(file, "cannot read as an image");
  if (m.type() != CV_8UC1)
    throw file_error(file, "a mask must be an 8-bit single-channel PNG (found " +
                               std::to_string(m.channels()) + " channel(s), depth code " +
                               std::to_string(m.depth()) + ")");
  return m;
}

void write_label_map(const fs::path& file, const cv::Mat& labels) {
  CV_Assert(labels.type() == CV_8UC1);
  write_atomically(file, [&](const fs::path& tmp) {
    if (!cv::imwrite(tmp.string(), labels)) throw file_error(file, "cannot write mask");
  });
}

}  // namespace xnet
