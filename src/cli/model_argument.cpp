#include "cli/model_argument.hpp"

#include <cstdlib>
#include <system_error>

#include "core/error.hpp"

namespace xnet::cli {

namespace fs = std::filesystem;

std::vector<fs::path> default_model_candidates() {
  if (const char* chosen = std::getenv("XNET_DEFAULT_MODEL"); chosen && *chosen) return {chosen};
  std::vector<fs::path> candidates;
  std::error_code error;
  const fs::path program = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    const fs::path prefix = program.parent_path().parent_path();
    candidates.push_back(prefix / "models" / "default.pt");
    candidates.push_back(prefix / "share" / "xnet" / "default.pt");
  }
#ifdef XNET_SOURCE_DIR
  const fs::path source = fs::path(XNET_SOURCE_DIR) / "models" / "default.pt";
  if (candidates.empty() || candidates.front() != source) candidates.push_back(source);
#endif
  return candidates;
}

fs::path resolve_default_model() {
  const auto candidates = default_model_candidates();
  std::string looked;
  for (const auto& c : candidates) {
    if (fs::is_regular_file(c)) return c;
    looked += (looked.empty() ? "" : ", ") + c.string();
  }
  throw Error("the default model was not found (looked for " + looked +
              "); set XNET_DEFAULT_MODEL to its path, or make it with scripts/train-default");
}

bool is_default_model(const std::string& argument) { return argument == default_model_name; }

bool is_shipped_default_model(const fs::path& file) {
  std::error_code error;
  for (const auto& c : default_model_candidates())
    if (fs::equivalent(file, c, error)) return true;
  return false;
}

CLI::Validator model_file_or_default() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (is_default_model(value)) {
          try {
            value = resolve_default_model().string();
          } catch (const Error& e) {
            return e.what();
          }
          return {};
        }
        return CLI::ExistingFile(value);
      },
      "FILE|default");
}

CLI::Option* add_model_argument(CLI::App& cmd, std::string& model, const std::string& description) {
  return cmd.add_option("MODEL", model, description + " (a model.pt, or 'default': the shipped model)")
      ->required()
      ->transform(model_file_or_default());
}

}  // namespace xnet::cli
