#pragma once
// The MODEL argument every command takes: a model file, or `default`, the model shipped in the
// repository's models/ folder (trained by scripts/train-default on synthetic data only).
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace xnet::cli {

inline constexpr const char* default_model_name = "default";

// Where `default` is looked for, in order: $XNET_DEFAULT_MODEL (when set, the only place),
// then beside the program (PREFIX/bin/xnet -> PREFIX/models/default.pt, PREFIX/share/xnet/),
// then the source tree this program was built from.
std::vector<std::filesystem::path> default_model_candidates();
// The first candidate that exists; throws xnet::Error naming every place looked at.
std::filesystem::path resolve_default_model();
bool is_default_model(const std::string& argument);
// Whether `file` is the shipped default model (false when there is none).
bool is_shipped_default_model(const std::filesystem::path& file);

// Accepts an existing file, or `default` (replaced by its path).
CLI::Validator model_file_or_default();
// Adds the positional MODEL: an existing file, or `default` (replaced by its path).
CLI::Option* add_model_argument(CLI::App& cmd, std::string& model, const std::string& description);

}  // namespace xnet::cli
