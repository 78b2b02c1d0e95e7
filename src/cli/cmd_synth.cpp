#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"

namespace xnet::cli {

void add_synth_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("synth", "Write a synthetic dataset of physics-based radiographs with exact labels");
  static std::string out; cmd->add_option("OUT", out, "Output dataset folder")->required();
  static int count = 0; cmd->add_option("--count", count, "Number of images")->required();
  static unsigned seed = 1; cmd->add_option("--seed", seed, "Random seed");
  static int size = 512; cmd->add_option("--size", size, "Image size in pixels");
  static std::string polarity = "raw"; cmd->add_option("--polarity", polarity, "raw|display|mixed");
  static bool collimator = false; cmd->add_flag("--collimator-class", collimator, "Label the collimator as class 3 (else 255, ignored)");
  static int threads = 0; add_threads_option(*cmd, threads);
  cmd->callback([] { throw not_implemented("synth", 3); });
}

}  // namespace xnet::cli
