#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "report/html_report.hpp"

namespace xnet::cli {

void add_report_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "Write a self-contained HTML report of a training run");
  struct Options {
    std::string run, out;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("RUN", opt->run, "Run folder (history.csv, metrics.json, examples/)")->required();
  cmd->add_option("--out", opt->out, "HTML file (default RUN/report.html)");
  cmd->callback([opt] { std::cout << report::write_report(opt->run, opt->out).string() << "\n"; });
}

}  // namespace xnet::cli
