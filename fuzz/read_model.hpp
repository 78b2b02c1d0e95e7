#pragma once
// What both model.pt harnesses do with a file: open it and read every tensor it lists, each
// refusal (xnet::Error; ArchiveError is one) being the reader's documented answer.
#include <filesystem>

#include "core/error.hpp"
#include "engine/model_archive.hpp"

namespace xnet::fuzz {

inline void read_model(const std::filesystem::path& file) {
  try {
    const engine::ModelArchive archive(file);
    for (const auto& name : archive.tensor_names()) {
      try {
        archive.read_float(name);
      } catch (const Error&) {
      }
    }
  } catch (const Error&) {
  }
}

}  // namespace xnet::fuzz
