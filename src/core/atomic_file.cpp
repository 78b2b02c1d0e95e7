#include "core/atomic_file.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>

#include "core/error.hpp"

namespace fs = std::filesystem;

namespace xnet {

void write_atomically(const fs::path& target, const std::function<void(const fs::path&)>& write) {
  static std::atomic<unsigned> counter{0};
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const fs::path tmp = dir / ("." + target.stem().string() + ".tmp" + std::to_string(::getpid()) +
                              "-" + std::to_string(counter++) + target.extension().string());
  try {
    write(tmp);
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) throw file_error(target, "cannot write: " + ec.message());
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

void write_text_atomically(const fs::path& target, const std::string& text) {
  write_atomically(target, [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    out.close();
    if (!out) throw file_error(target, "cannot write");
  });
}

void ensure_directory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) throw file_error(dir, "cannot create folder: " + ec.message());
}

}  // namespace xnet
