#include "core/error.hpp"

namespace xnet {

Error file_error(const std::filesystem::path& file, const std::string& what) {
  return Error(file.string() + ": " + what);
}

Error not_implemented(const std::string& command, int issue) {
  return Error("'" + command + "' is not implemented yet (issue #" + std::to_string(issue) + ")");
}

}  // namespace xnet
