#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"

namespace xnet::cli {

void add_import_labels_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("import-labels", "Convert colour-coded label images (white open beam, yellow soft tissue, blue bone) into label PNGs");
  static std::vector<std::string> inputs; cmd->add_option("INPUT", inputs, "Colour label images or folders")->required();
  static std::string out; cmd->add_option("--out", out, "Output folder for label PNGs")->required();
  cmd->callback([] { throw not_implemented("import-labels", 2); });
}

}  // namespace xnet::cli
