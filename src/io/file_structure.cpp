#include "io/file_structure.hpp"

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>

#include <jpeglib.h>
#include <jerror.h>
#include <spdlog/spdlog.h>
#include <tiffio.h>

#include "core/error.hpp"

namespace fs = std::filesystem;

namespace xnet {

void check_declared_size(const fs::path& file, std::uint64_t width, std::uint64_t height, const ReadLimits& limits) {
  if (width == 0 || height == 0)
    throw file_error(file, "declares an empty image (" + std::to_string(width) + "x" + std::to_string(height) + ")");
  // Each side below 2^31 first, so the product cannot overflow.
  if (width > (1u << 31) || height > (1u << 31) || width * height > limits.max_pixels)
    throw file_error(file, "declares " + std::to_string(width) + "x" + std::to_string(height) +
                               " pixels, more than the limit of " + std::to_string(limits.max_pixels) +
                               " (--max-pixels)");
}

namespace {

std::uint32_t big_endian32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

void check_png_structure(const fs::path& file, const ReadLimits& limits) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw file_error(file, "cannot open");
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  unsigned char head[8];
  if (!in.read(reinterpret_cast<char*>(head), 8) || std::memcmp(head, signature, 8) != 0)
    throw file_error(file, "not a PNG file (no PNG signature)");
  std::uint64_t pos = 8;
  bool first = true;
  while (true) {
    unsigned char chunk[8];
    if (pos + 8 > size || !in.seekg(static_cast<std::streamoff>(pos)) || !in.read(reinterpret_cast<char*>(chunk), 8))
      throw file_error(file, "PNG file is truncated (ends at byte " + std::to_string(size) + " before its IEND chunk)");
    const std::uint32_t length = big_endian32(chunk);
    const std::string type(reinterpret_cast<char*>(chunk + 4), 4);
    if (length > 0x7fffffffu) throw file_error(file, "PNG chunk " + type + " has an impossible length");
    if (pos + 12 + length > size)
      throw file_error(file, "PNG file is truncated (chunk " + type + " at byte " + std::to_string(pos) +
                                 " reaches past the end of the file)");
    if (first) {
      unsigned char dims[8];
      if (type != "IHDR" || length < 13 || !in.read(reinterpret_cast<char*>(dims), 8))
        throw file_error(file, "PNG file does not start with its IHDR chunk");
      check_declared_size(file, big_endian32(dims), big_endian32(dims + 4), limits);
      first = false;
    }
    if (type == "IEND") return;
    pos += 12 + std::uint64_t{length};
  }
}

void check_tiff_structure(const fs::path& file, const ReadLimits& limits) {
  // libtiff reports through process-wide handlers; the errors below carry the file name.
  static std::once_flag quiet;
  std::call_once(quiet, [] {
    TIFFSetErrorHandler(nullptr);
    TIFFSetWarningHandler(nullptr);
  });
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) throw file_error(file, "cannot open: " + ec.message());
  TIFF* tif = TIFFOpen(file.c_str(), "r");
  if (!tif) throw file_error(file, "not a readable TIFF file (corrupt or truncated header)");
  std::uint32_t width = 0, height = 0;
  const bool has_size = TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &width) && TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &height);
  try {
    if (!has_size) throw file_error(file, "TIFF file without image dimensions");
    check_declared_size(file, width, height, limits);
    const std::uint32_t pieces = TIFFIsTiled(tif) ? TIFFNumberOfTiles(tif) : TIFFNumberOfStrips(tif);
    if (pieces == 0) throw file_error(file, "TIFF file without image data");
    for (std::uint32_t i = 0; i < pieces; ++i) {
      int failed = 0;  // libtiff sets it to 1 on an error
      const std::uint64_t offset = TIFFGetStrileOffsetWithErr(tif, i, &failed);
      const std::uint64_t bytes = failed ? 0 : TIFFGetStrileByteCountWithErr(tif, i, &failed);
      if (failed || bytes == 0 || offset > size || bytes > size - offset)
        throw file_error(file, "TIFF file is truncated (image data block " + std::to_string(i + 1) + " of " +
                                   std::to_string(pieces) + " lies past the end of the file)");
    }
  } catch (...) {
    TIFFClose(tif);
    throw;
  }
  TIFFClose(tif);
}

namespace {

// libjpeg reports through callbacks: errors jump back to read_jpeg, warnings are logged,
// except "premature end of file" and "premature end of data segment" (the data reaches a
// marker, e.g. the end marker of a file cut and closed again), after either of which libjpeg
// would fill the rest of the image with grey and return it as if whole.
struct JpegErrors {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX] = {};
  const fs::path* file = nullptr;
  bool warned = false;
};

void jpeg_failed(j_common_ptr info) {
  auto* errors = reinterpret_cast<JpegErrors*>(info->err);
  info->err->format_message(info, errors->message);
  std::longjmp(errors->jump, 1);
}

void jpeg_message(j_common_ptr info, int level) {
  if (level != -1) return;  // trace messages
  auto* errors = reinterpret_cast<JpegErrors*>(info->err);
  if (info->err->msg_code == JWRN_JPEG_EOF) {
    std::snprintf(errors->message, sizeof errors->message, "JPEG file is truncated (premature end of its data)");
    std::longjmp(errors->jump, 1);
  }
  if (info->err->msg_code == JWRN_HIT_MARKER) {
    std::snprintf(errors->message, sizeof errors->message,
                  "JPEG data ends before its image does (premature end of data segment)");
    std::longjmp(errors->jump, 1);
  }
  ++info->err->num_warnings;
  if (errors->warned) return;  // one warning a file: corrupt data repeats them per block
  errors->warned = true;
  char text[JMSG_LENGTH_MAX];
  info->err->format_message(info, text);
  spdlog::warn("{}: {}", errors->file->string(), text);
}

}  // namespace

cv::Mat read_jpeg(const fs::path& file, const ReadLimits& limits, bool& converted_from_colour) {
  std::FILE* in = std::fopen(file.c_str(), "rb");
  if (!in) throw file_error(file, "cannot open");
  jpeg_decompress_struct info;
  JpegErrors errors;
  errors.file = &file;
  info.err = jpeg_std_error(&errors.manager);
  errors.manager.error_exit = jpeg_failed;
  errors.manager.emit_message = jpeg_message;
  cv::Mat image;  // before setjmp: nothing with a destructor is made between it and a jump
  if (setjmp(errors.jump)) {
    jpeg_destroy_decompress(&info);
    std::fclose(in);
    throw file_error(file, errors.message);
  }
  jpeg_create_decompress(&info);
  jpeg_stdio_src(&info, in);
  jpeg_read_header(&info, TRUE);
  const std::uint64_t width = info.image_width, height = info.image_height;
  if (width * height > limits.max_pixels) {
    jpeg_destroy_decompress(&info);
    std::fclose(in);
    check_declared_size(file, width, height, limits);  // throws
  }
  converted_from_colour = info.num_components != 1;
  info.out_color_space = JCS_GRAYSCALE;  // libjpeg's luma for colour files
  jpeg_start_decompress(&info);
  image.create(static_cast<int>(info.output_height), static_cast<int>(info.output_width), CV_8UC1);
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = image.ptr<JSAMPLE>(static_cast<int>(info.output_scanline));
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  std::fclose(in);
  return image;
}

}  // namespace xnet
