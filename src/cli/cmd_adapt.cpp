#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/model_argument.hpp"
#include "cli/options.hpp"
#include "predict/input_files.hpp"
#include "train/adaptation.hpp"

namespace xnet::cli {

void add_adapt_command(CLI::App& app) {
  struct Options {
    std::string model, out;
    std::vector<std::filesystem::path> inputs;
    AdaptOptions adapt;
  };
  auto opt = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "adapt",
      "Adapt a model to your radiographs without labels: re-estimate its batch-norm statistics on "
      "them (AdaBN), weights unchanged");
  add_model_argument(*cmd, opt->model, "Model to adapt");
  cmd->add_option("IMAGES", opt->inputs, "Radiographs or folders of them (unlabelled; tens are enough)")
      ->required();
  cmd->add_option("--out", opt->out, "The adapted model file")->required();
  cmd->add_option("--polarity", opt->adapt.polarity,
                  "auto (a DICOM's presentation intent, else from the pixels) | raw | display")
      ->check(CLI::IsMember({"auto", "raw", "display"}))
      ->capture_default_str();
  cmd->add_option("--batch-size", opt->adapt.batch_size, "Images per batch-norm batch")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  add_threads_option(*cmd, opt->adapt.threads);
  cmd->callback([opt] {
    const auto files = collect_radiographs(opt->inputs);
    const AdaptSummary s = adapt_batch_norm(opt->model, files, opt->out, opt->adapt);
    std::printf("adapted %d batch-norm layers on %zu radiographs (%zu network inputs): %s\n", s.layers,
                s.images, s.windows, opt->out.c_str());
  });
}

}  // namespace xnet::cli
