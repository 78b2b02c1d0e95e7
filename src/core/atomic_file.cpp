#include "core/atomic_file.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <regex>

#include "core/error.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

// ".STEM.tmpPID-N.EXT": hidden, the writer's process id to tell a live writer from a dead one.
fs::path temporary_path(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  return dir / ("." + target.stem().string() + ".tmp" + std::to_string(::getpid()) + "-" +
                std::to_string(counter++) + target.extension().string());
}

void remove_quietly(const fs::path& file) {
  std::error_code ignored;
  fs::remove(file, ignored);
}

void remove_stale_temporaries(const fs::path& dir) {
  static const std::regex temporary(R"(\..*\.tmp([0-9]{1,9})-[0-9]+(\.[^.]*)?)");
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::smatch match;
    const std::string name = entry.path().filename().string();
    if (!std::regex_match(name, match, temporary)) continue;
    const auto pid = static_cast<pid_t>(std::stol(match[1]));
    if (pid != ::getpid() && ::kill(pid, 0) == -1 && errno == ESRCH) remove_quietly(entry.path());
  }
}

}  // namespace

void write_atomically(const fs::path& target, const std::function<void(const fs::path&)>& write) {
  const fs::path tmp = temporary_path(target);
  try {
    write(tmp);
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) throw file_error(target, "cannot write: " + ec.message());
  } catch (...) {
    remove_quietly(tmp);
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

fs::path FileSet::stage(const fs::path& target) {
  files_.emplace_back(target, temporary_path(target));
  return files_.back().second;
}

void FileSet::commit() {
  for (auto it = files_.rbegin(); it != files_.rend(); ++it) {
    std::error_code ec;
    fs::remove(it->first, ec);
    if (ec) throw file_error(it->first, "cannot replace: " + ec.message());
  }
  for (const auto& [target, tmp] : files_) {
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) throw file_error(target, "cannot write: " + ec.message());
  }
  committed_ = true;
}

FileSet::~FileSet() {
  if (committed_) return;
  for (const auto& [target, tmp] : files_) {
    remove_quietly(tmp);
    remove_quietly(target);
  }
}

void ensure_directory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) throw file_error(dir, "cannot create folder: " + ec.message());
  remove_stale_temporaries(dir);
}

}  // namespace xnet
