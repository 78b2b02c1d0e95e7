#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"

namespace xnet::cli {

void add_report_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "Write a self-contained HTML report of a training run");
  static std::string run; cmd->add_option("RUN", run, "Run folder")->required();
  static std::string out; cmd->add_option("--out", out, "HTML file");
  cmd->callback([] { throw not_implemented("report", 6); });
}

}  // namespace xnet::cli
