#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"

namespace xnet::cli {

void add_cv_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("cv", "K-fold cross-validation");
  static std::string data; cmd->add_option("DATA", data, "Dataset folder")->required();
  static int folds = 5; cmd->add_option("--folds", folds, "Number of folds");
  static std::string out; cmd->add_option("--out", out, "Output folder")->required();
  static int threads = 0; add_threads_option(*cmd, threads);
  static std::string device = "auto"; add_device_option(*cmd, device);
  cmd->callback([] { throw not_implemented("cv", 5); });
}

}  // namespace xnet::cli
