#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"

namespace xnet::cli {

void add_evaluate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("evaluate", "Evaluate a model on a dataset: metrics table and metrics.json");
  static std::string model; cmd->add_option("MODEL", model, "Model file")->required();
  static std::string data; cmd->add_option("DATA", data, "Dataset folder")->required();
  static std::string split = "all"; cmd->add_option("--split", split, "all|test|val|train");
  static std::string out; cmd->add_option("--out", out, "Output folder for metrics.json");
  static int threads = 0; add_threads_option(*cmd, threads);
  static std::string device = "auto"; add_device_option(*cmd, device);
  cmd->callback([] { throw not_implemented("evaluate", 6); });
}

}  // namespace xnet::cli
