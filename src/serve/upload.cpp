#include "serve/upload.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <unistd.h>

#include "core/error.hpp"

namespace xnet::serve {

namespace {

constexpr std::size_t kDicomMagicAt = 128;  // PS3.10 7.1: a 128-byte preamble, then "DICM"
constexpr std::size_t kHeadBytes = kDicomMagicAt + 4;

bool starts_with(const char* data, std::size_t size, const char* magic, std::size_t length) {
  return size >= length && std::memcmp(data, magic, length) == 0;
}

}  // namespace

std::string sniffed_extension(const char* data, std::size_t size) {
  if (starts_with(data, size, "\x89PNG\r\n\x1a\n", 8)) return ".png";
  if (starts_with(data, size, "\xff\xd8\xff", 3)) return ".jpg";
  if (starts_with(data, size, "II*\0", 4) || starts_with(data, size, "MM\0*", 4)) return ".tif";
  if (size >= kHeadBytes && std::memcmp(data + kDicomMagicAt, "DICM", 4) == 0) return ".dcm";
  return "";
}

Upload::Upload(const std::filesystem::path& folder, std::size_t max_bytes) : max_bytes_(max_bytes) {
  static std::atomic<unsigned long> counter{0};
  path_ = folder / ("upload-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  file_ = std::fopen(path_.c_str(), "wb");
  if (!file_) throw file_error(path_, std::string("cannot create: ") + std::strerror(errno));
}

Upload::~Upload() {
  if (file_) std::fclose(file_);
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

bool Upload::append(const char* data, std::size_t size) {
  if (too_large_) return false;
  if (size > max_bytes_ - size_) {
    too_large_ = true;
    return false;
  }
  if (head_.size() < kHeadBytes) head_.append(data, std::min(size, kHeadBytes - head_.size()));
  if (std::fwrite(data, 1, size, file_) != size)
    throw file_error(path_, std::string("cannot write the upload: ") + std::strerror(errno));
  size_ += size;
  return true;
}

const std::filesystem::path& Upload::finish() {
  if (file_) {
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!closed) throw file_error(path_, std::string("cannot write the upload: ") + std::strerror(errno));
  }
  if (size_ == 0) throw BadUpload("the request has no body: send the radiograph's bytes (PNG, JPEG, TIFF or DICOM)");
  const std::string extension = sniffed_extension(head_.data(), head_.size());
  if (extension.empty())
    throw BadUpload("the body is not a PNG, JPEG, TIFF or DICOM file (its first bytes match none of them)");
  if (path_.extension() != extension) {
    auto named = path_;
    named += extension;
    std::filesystem::rename(path_, named);
    path_ = named;
  }
  return path_;
}

}  // namespace xnet::serve
