#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/model_argument.hpp"
#include "model/model_file.hpp"

namespace xnet::cli {

void add_info_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "Print a model's architecture, parameters, input size, classes and provenance");
  auto model = std::make_shared<std::string>();
  add_model_argument(*cmd, *model, "Model");
  cmd->callback([model] {
    const auto loaded = xnet::model::load_model(*model);
    const auto& meta = loaded.meta;
    const auto& spec = loaded.net->spec();
    const auto describe = [](const nlohmann::json& j) { return j.empty() ? std::string("(none)") : j.dump(); };
    std::string classes;
    for (const auto& c : meta.classes) classes += (classes.empty() ? "" : ", ") + c;
    std::cout << "model:           " << *model
              << (is_shipped_default_model(*model) ? " (the default model)" : "") << "\n"
              << "architecture:    " << spec.architecture << " (base filters " << spec.base_filters
              << ", depth " << spec.depth << ", kernel " << spec.kernel_size << ", upsampling "
              << spec.upsampling << ")\n"
              << "parameters:      " << xnet::model::count_trainable_parameters(*loaded.net)
              << " trainable, counted from the stored weights\n"
              << "weights:         " << loaded.net->parameters().size() + loaded.net->buffers().size()
              << " tensors, each record's CRC-32 checked, shapes as described, every value finite\n"
              << "gflop per image: " << xnet::model::gflop_per_image(spec, meta.input_size, meta.input_size)
              << " at " << meta.input_size << "x" << meta.input_size << "\n"
              << "input:           " << spec.input_channels << " channel(s), " << meta.input_size << "x"
              << meta.input_size << "\n"
              << "classes:         " << classes << "\n"
              << "preprocessing:   " << describe(meta.preprocessing) << "\n"
              << "calibration:     " << describe(meta.calibration) << "\n"
              << "thresholds:      " << describe(meta.thresholds) << "\n"
              << "provenance:      " << describe(meta.provenance) << "\n"
              << "format version:  " << meta.format_version << "\n";
  });
}

}  // namespace xnet::cli
