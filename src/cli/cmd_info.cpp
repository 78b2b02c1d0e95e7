#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"

namespace xnet::cli {

void add_info_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "Print a model's architecture, parameters, input size, classes and provenance");
  static std::string model; cmd->add_option("MODEL", model, "Model file (model.pt)")->required();
  cmd->callback([] { throw not_implemented("info", 4); });
}

}  // namespace xnet::cli
