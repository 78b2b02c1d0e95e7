#pragma once
// Nothing half-written is left behind: every output goes to a temporary file beside the
// target, then is renamed over it (rename is atomic within one file system).
#include <filesystem>
#include <functional>
#include <string>

namespace xnet {

// Calls write(tmp) with a temporary path in the target's folder that keeps the target's
// extension (OpenCV picks the format from it), then renames tmp to target. If write throws,
// the temporary file is removed and the exception propagates; the target is untouched.
void write_atomically(const std::filesystem::path& target,
                      const std::function<void(const std::filesystem::path& tmp)>& write);

// Writes text (JSON, CSV, HTML) atomically.
void write_text_atomically(const std::filesystem::path& target, const std::string& text);

// Creates the folder (and parents); an error naming it when that is impossible.
void ensure_directory(const std::filesystem::path& dir);

}  // namespace xnet
