#pragma once
// A radiograph's bytes as they arrive in an HTTP request, kept in a private temporary file so
// that `xnet serve` reads them with exactly predict's readers and limits (io/radiograph.hpp),
// and memory holds at most one receive buffer per upload, whatever the file's size.
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <string>

#include "core/error.hpp"

namespace xnet::serve {

// What is wrong with the upload itself (HTTP 400), unlike a fault of the server (500).
struct BadUpload : Error {
  using Error::Error;
};

// The extension read_radiograph knows a file's format by, from its first bytes: ".png",
// ".jpg", ".tif" or ".dcm" (the DICOM preamble's "DICM" at byte 128); empty when the bytes
// are none of these.
std::string sniffed_extension(const char* data, std::size_t size);

// One upload: bytes appended until the limit, then named by their format. The file is removed
// when the Upload goes.
class Upload {
 public:
  // folder: where the file is created (the server's own private folder).
  Upload(const std::filesystem::path& folder, std::size_t max_bytes);
  ~Upload();
  Upload(const Upload&) = delete;
  Upload& operator=(const Upload&) = delete;

  // False once the bytes exceed max_bytes (the excess is not kept).
  bool append(const char* data, std::size_t size);
  bool too_large() const { return too_large_; }
  std::size_t size() const { return size_; }
  // Closes the file and gives it the extension its first bytes call for; throws BadUpload
  // when they are no radiograph format (or nothing arrived).
  const std::filesystem::path& finish();

 private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::size_t max_bytes_, size_ = 0;
  bool too_large_ = false;
  std::string head_;  // the first bytes, for sniffing the format
};

}  // namespace xnet::serve
