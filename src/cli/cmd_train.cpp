#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"

namespace xnet::cli {

void add_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "Train a segmentation network on a dataset");
  static std::string data; cmd->add_option("DATA", data, "Dataset folder");
  static std::string out; cmd->add_option("--out", out, "Run folder");
  static int threads = 0; add_threads_option(*cmd, threads);
  static std::string device = "auto"; add_device_option(*cmd, device);
  cmd->callback([] { throw not_implemented("train", 5); });
}

}  // namespace xnet::cli
