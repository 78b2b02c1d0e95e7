#pragma once
// What every harness shares. The readers take paths, so each input is written to a file in a
// folder of this process's own, $TMPDIR/xnet-fuzz-PID (scripts/fuzz points TMPDIR at a folder
// in /dev/shm it removes afterwards), removed at exit. Logging is silenced: warnings about
// broken files are the readers' normal work and would only slow the fuzzer.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace xnet::fuzz {

inline const std::filesystem::path& scratch_folder() {
  static const std::filesystem::path folder = [] {
    const char* tmp = std::getenv("TMPDIR");
    const std::filesystem::path base = tmp && *tmp ? tmp : "/tmp";
    const auto f = base / ("xnet-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(f);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(scratch_folder(), ignored);
    });
    return f;
  }();
  return folder;
}

// Writes the input to scratch_folder()/name (replacing the last one) and returns the path.
inline std::filesystem::path write_input(const std::string& name, const void* data, std::size_t size) {
  const auto file = scratch_folder() / name;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) std::abort();  // the harness's own failure, not the reader's
  return file;
}

}  // namespace xnet::fuzz
