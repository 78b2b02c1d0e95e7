#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"
#include "core/labels.hpp"
#include "data/colour_labels.hpp"

namespace xnet::cli {

void add_import_labels_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> inputs;
    std::string out;
    std::string collimator_colour;
    double tolerance = reference_palette().tolerance;
    int threads = 0;
  };
  auto opt = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("import-labels", "Convert colour-coded label images (white open beam, yellow soft tissue, blue bone) into label PNGs");
  cmd->add_option("INPUT", opt->inputs, "Colour label images or folders")->required();
  cmd->add_option("--out", opt->out, "Output folder for label PNGs (STEM.png)")->required();
  cmd->add_option("--collimator-colour", opt->collimator_colour,
                  "Colour that marks the collimator (label 3), e.g. black, #000000 or 0,0,0");
  cmd->add_option("--tolerance", opt->tolerance,
                  "Largest RGB distance to a palette colour; farther pixels become 255 (ignore)")
      ->check(CLI::Range(1.0, 441.0))
      ->capture_default_str();
  add_threads_option(*cmd, opt->threads);
  cmd->callback([opt] {
    ColourPalette palette = reference_palette();
    palette.tolerance = opt->tolerance;
    if (!opt->collimator_colour.empty())
      palette.colours.push_back({parse_colour(opt->collimator_colour), label::collimator});
    const auto results = import_label_images({opt->inputs.begin(), opt->inputs.end()}, opt->out,
                                             palette, opt->threads);
    std::uint64_t unmatched = 0;
    for (const ImportedLabelImage& r : results) {
      unmatched += r.unmatched;
      std::printf("%s -> %s", r.input.c_str(), r.output.c_str());
      if (r.unmatched)
        std::printf(" (%llu of %llu pixels match no palette colour: set to 255, ignore)",
                    static_cast<unsigned long long>(r.unmatched), static_cast<unsigned long long>(r.pixels));
      std::printf("\n");
    }
    std::printf("%zu label images written to %s; %llu pixels set to 255 (ignore)\n", results.size(),
                opt->out.c_str(), static_cast<unsigned long long>(unmatched));
  });
}

}  // namespace xnet::cli
