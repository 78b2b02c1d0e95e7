#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"

namespace xnet::cli {

void add_calibrate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("calibrate", "Fit temperature scaling and soft-tissue thresholds on validation data");
  static std::string model; cmd->add_option("MODEL", model, "Model file")->required();
  static std::string data; cmd->add_option("DATA", data, "Dataset folder")->required();
  static int threads = 0; add_threads_option(*cmd, threads);
  static std::string device = "auto"; add_device_option(*cmd, device);
  cmd->callback([] { throw not_implemented("calibrate", 6); });
}

}  // namespace xnet::cli
