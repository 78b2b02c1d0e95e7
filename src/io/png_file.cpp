#include "io/png_file.hpp"

#include <algorithm>
#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include <libdeflate.h>
#include <png.h>

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace xnet {
namespace {

struct ErrorText {
  char text[256] = "";
};

// libpng reports errors by longjmp back into encode(); the message is kept for the exception.
[[noreturn]] void on_error(png_structp png, png_const_charp message) {
  auto* error = static_cast<ErrorText*>(png_get_error_ptr(png));
  std::snprintf(error->text, sizeof error->text, "%s", message);
  std::longjmp(png_jmpbuf(png), 1);
}

void on_warning(png_structp, png_const_charp) {}

// The image as PNG scanlines (filter byte 0, then the row: RGB order, 16-bit big-endian),
// deflated into one zlib stream by libdeflate at level 1. zlib (libpng's own compressor) took
// ~80 ms for a 1500x1500 overlay whatever its level, filter or strategy (its Huffman coding
// alone runs at ~75 MB/s); libdeflate takes ~25 ms and the file is ~8% smaller. Unfiltered
// rows compress better than "sub" ones here: masks are long runs, overlays mostly gray.
std::vector<unsigned char> deflated_scanlines(const cv::Mat& image) {
  const std::size_t row_bytes = image.cols * image.elemSize();
  std::vector<unsigned char> rows((row_bytes + 1) * image.rows);
  for (int y = 0; y < image.rows; ++y) {
    unsigned char* out = rows.data() + y * (row_bytes + 1);
    *out++ = 0;  // filter type none
    const unsigned char* in = image.ptr<unsigned char>(y);
    if (image.type() == CV_8UC3) {
      for (int x = 0; x < image.cols; ++x, in += 3, out += 3) {
        out[0] = in[2];
        out[1] = in[1];
        out[2] = in[0];
      }
    } else if (image.depth() == CV_16U) {
      for (std::size_t i = 0; i < row_bytes; i += 2) {
        out[i] = in[i + 1];
        out[i + 1] = in[i];
      }
    } else {
      std::memcpy(out, in, row_bytes);
    }
  }
  const std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> compressor(
      libdeflate_alloc_compressor(1), libdeflate_free_compressor);
  if (!compressor) throw std::bad_alloc();
  std::vector<unsigned char> deflated(libdeflate_zlib_compress_bound(compressor.get(), rows.size()));
  const std::size_t size =
      libdeflate_zlib_compress(compressor.get(), rows.data(), rows.size(), deflated.data(), deflated.size());
  if (size == 0) throw Error("libdeflate: compressed image data exceeds its own bound");
  deflated.resize(size);
  return deflated;
}

// libpng writes the signature, the header and the chunks around the deflated image data.
// Only plain C state lives between setjmp and a longjmp (libpng's error convention), so no
// destructor is skipped. Returns false with the message in `error`.
bool encode(std::FILE* file, const cv::Mat& image, const std::vector<unsigned char>& idat, ErrorText& error) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &error, on_error, on_warning);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_init_io(png, file);
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.cols), static_cast<png_uint_32>(image.rows),
               image.depth() == CV_16U ? 16 : 8, image.channels() == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
  png_write_info(png, info);
  // IDAT chunks of at most 1 GiB (a chunk's length field tops out at 2^31 - 1).
  constexpr std::size_t kMaxChunk = std::size_t{1} << 30;
  for (std::size_t at = 0; at < idat.size(); at += kMaxChunk)
    png_write_chunk(png, reinterpret_cast<png_const_bytep>("IDAT"), idat.data() + at,
                    std::min(kMaxChunk, idat.size() - at));
  png_write_chunk(png, reinterpret_cast<png_const_bytep>("IEND"), nullptr, 0);
  png_destroy_write_struct(&png, &info);
  return true;
}

void check_writable(const cv::Mat& image, const std::filesystem::path& named) {
  const int type = image.type();
  if (type != CV_8UC1 && type != CV_8UC3 && type != CV_16UC1)
    throw file_error(named, "cannot write PNG: expected 8-bit gray, 8-bit BGR or 16-bit gray pixels");
  if (image.empty()) throw file_error(named, "cannot write PNG: empty image");
}

}  // namespace

void write_png_file(const std::filesystem::path& file, const cv::Mat& image, const std::filesystem::path& named) {
  check_writable(image, named);
  const auto idat = deflated_scanlines(image);
  std::FILE* out = std::fopen(file.c_str(), "wb");
  if (!out) throw file_error(named, std::string("cannot write: ") + std::strerror(errno));
  ErrorText error;
  const bool encoded = encode(out, image, idat, error);
  const bool closed = std::fclose(out) == 0;
  if (!encoded) throw file_error(named, std::string("cannot write PNG: ") + error.text);
  if (!closed) throw file_error(named, std::string("cannot write: ") + std::strerror(errno));
}

std::vector<unsigned char> encode_png(const cv::Mat& image) {
  check_writable(image, "(in memory)");
  const auto idat = deflated_scanlines(image);
  // libpng writes to a FILE*: a memory stream (POSIX open_memstream) reuses encode() as it is.
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&buffer, &size);
  if (!out) throw std::bad_alloc();
  ErrorText error;
  const bool encoded = encode(out, image, idat, error);
  const bool closed = std::fclose(out) == 0;
  std::vector<unsigned char> png;
  if (encoded && closed) png.assign(buffer, buffer + size);
  std::free(buffer);
  if (!encoded) throw Error(std::string("cannot encode PNG: ") + error.text);
  if (!closed) throw std::bad_alloc();
  return png;
}

void write_png(const std::filesystem::path& path, const cv::Mat& image) {
  write_atomically(path, [&](const std::filesystem::path& tmp) { write_png_file(tmp, image, path); });
}

}  // namespace xnet
