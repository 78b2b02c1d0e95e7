#pragma once
// Nothing half-written is left behind: every output goes to a temporary file beside the
// target, then is renamed over it (rename is atomic within one file system).
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace xnet {

// Calls write(tmp) with a temporary path in the target's folder that keeps the target's
// extension (OpenCV picks the format from it), then renames tmp to target. If write throws,
// the temporary file is removed and the exception propagates; the target is untouched.
void write_atomically(const std::filesystem::path& target,
                      const std::function<void(const std::filesystem::path& tmp)>& write);

// Writes text (JSON, CSV, HTML) atomically.
void write_text_atomically(const std::filesystem::path& target, const std::string& text);

// Files that appear together or not at all (one image's mask, overlay and JSON): each is
// written to the temporary path stage() hands out; commit() then removes the older versions
// of all of them, the last-staged first, and renames the new ones into place in the order
// staged, so the last one (the JSON) appearing means the set is whole and new. Without a
// commit, or when one fails, every temporary and every target reached is removed: a failure
// leaves none of the set.
class FileSet {
 public:
  FileSet() = default;
  FileSet(const FileSet&) = delete;
  FileSet& operator=(const FileSet&) = delete;
  ~FileSet();

  std::filesystem::path stage(const std::filesystem::path& target);
  void commit();

 private:
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> files_;  // target, temporary
  bool committed_ = false;
};

// Creates the folder (and parents), an error naming it when that is impossible, and removes
// the temporary files (write_atomically's names) that runs killed before their rename left
// in it: their process no longer exists. Every command calls it for the folder it writes to.
void ensure_directory(const std::filesystem::path& dir);

}  // namespace xnet
