#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"

namespace xnet::cli {

void add_predict_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("predict", "Segment radiographs at full resolution: mask, overlay and JSON per image");
  static std::string model; cmd->add_option("MODEL", model, "Model file")->required();
  static std::vector<std::string> inputs; cmd->add_option("INPUT", inputs, "Images or folders")->required();
  static std::string out; cmd->add_option("--out", out, "Output folder")->required();
  static double threshold = -1; cmd->add_option("--soft-tissue-threshold", threshold, "Soft tissue only where p > P");
  static std::string polarity = "auto"; cmd->add_option("--polarity", polarity, "auto|raw|display");
  static int threads = 0; add_threads_option(*cmd, threads);
  static std::string device = "auto"; add_device_option(*cmd, device);
  cmd->callback([] { throw not_implemented("predict", 7); });
}

}  // namespace xnet::cli
