#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"

namespace xnet::cli {

void add_bench_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("bench", "Time training and inference of a network; prints one JSON object");
  static std::string model = "xnet"; cmd->add_option("--model", model, "xnet|unet|segnet|deeplab");
  static int base = 64; cmd->add_option("--base-filters", base, "Filters of the first level");
  static int size = 200; cmd->add_option("--input-size", size, "Input size in pixels");
  static int threads = 0; add_threads_option(*cmd, threads);
  static std::string device = "auto"; add_device_option(*cmd, device);
  cmd->callback([] { throw not_implemented("bench", 4); });
}

}  // namespace xnet::cli
