#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"

namespace xnet::cli {

void add_check_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("check", "Validate a dataset and print per-category counts and class fractions");
  static std::string data; cmd->add_option("DATA", data, "Dataset folder")->required();
  cmd->callback([] { throw not_implemented("check", 2); });
}

}  // namespace xnet::cli
