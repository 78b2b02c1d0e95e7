#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "synth/generator.hpp"

namespace xnet::cli {

void add_synth_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("synth", "Write a synthetic dataset of physics-based radiographs with exact labels");
  struct Options {
    std::string out, polarity = "raw", preview;
    synth::SynthOptions synth;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("OUT", opt->out, "Output dataset folder")->required();
  cmd->add_option("--count", opt->synth.count, "Number of images")->required()->check(CLI::PositiveNumber);
  cmd->add_option("--seed", opt->synth.seed, "Random seed (same seed, same bytes)")->capture_default_str();
  cmd->add_option("--size", opt->synth.size, "Image width and height in pixels")->capture_default_str();
  cmd->add_option("--polarity", opt->polarity,
                  "raw (16-bit, open beam bright), display (8-bit, bone bright) or mixed")
      ->check(CLI::IsMember({"raw", "display", "mixed"}))
      ->capture_default_str();
  cmd->add_flag("--collimator-class", opt->synth.collimator_class,
                "Label the collimator as class 3 (else 255, ignored)");
  cmd->add_flag("--imbalance", opt->synth.imbalance,
                "Strongly uneven category counts (some categories with a single image)");
  cmd->add_option("--preview", opt->preview, "Also write a PNG grid of examples with their labels");
  add_threads_option(*cmd, opt->synth.threads);
  cmd->callback([opt] {
    opt->synth.polarity = synth::parse_polarity(opt->polarity);
    opt->synth.preview = opt->preview;
    synth::write_synthetic_dataset(opt->out, opt->synth);
  });
}

}  // namespace xnet::cli
