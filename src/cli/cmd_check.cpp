#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"
#include "data/dataset_check.hpp"

namespace xnet::cli {

void add_check_command(CLI::App& app) {
  struct Options {
    std::string data;
    int threads = 0;
  };
  auto opt = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("check", "Validate a dataset and print per-category counts and class fractions");
  cmd->add_option("DATA", opt->data, "Dataset folder")->required();
  add_threads_option(*cmd, opt->threads);
  cmd->callback([opt] {
    const DatasetCheck check = check_dataset(opt->data, opt->threads);
    // Problems on stderr, one per line; the summary table on stdout.
    for (const DatasetProblem& p : check.problems) std::fprintf(stderr, "%s\n", p.message.c_str());
    if (check.total.images > 0) std::fputs(format_category_table(check).c_str(), stdout);
    std::fflush(stdout);
    if (!check.usable())
      throw Error(opt->data + ": " + std::to_string(check.problems.size()) +
                  (check.problems.size() == 1 ? " problem found" : " problems found"));
  });
}

}  // namespace xnet::cli
