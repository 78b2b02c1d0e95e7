#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/model_argument.hpp"
#include "cli/options.hpp"
#include "core/error.hpp"
#include "model/model_file.hpp"
#include "evaluation/calibration_fit.hpp"

namespace xnet::cli {

namespace {
struct CalibrateCommandOptions {
  std::string model, data, out;
  SegmenterOptions segmenter;
  CalibrateOptions calibrate;
};
}  // namespace

void add_calibrate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "calibrate",
      "Fit temperature scaling and soft-tissue thresholds (global and per category) on validation data "
      "and store them in the model file");
  auto opt = std::make_shared<CalibrateCommandOptions>();
  add_model_argument(*cmd, opt->model, "Model, rewritten unless --out is given");
  cmd->add_option("DATA", opt->data, "Dataset folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--split", opt->calibrate.split, "Split fitted on (split.csv beside the model), or all")
      ->check(CLI::IsMember({"all", "train", "val", "test"}))
      ->capture_default_str();
  auto* fpr = cmd->add_option_function<double>(
                     "--soft-tissue-max-fpr", [opt](double f) { opt->calibrate.max_fpr = f; },
                     "Threshold with the highest soft-tissue TPR whose FPR is at most F")
                  ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--soft-tissue-best-f1", "Threshold of the best soft-tissue F1 (the default)")->excludes(fpr);
  cmd->add_option("--max-pixels", opt->calibrate.max_pixels, "Pixels sampled for the temperature fit")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--polarity", opt->segmenter.polarity, "auto|raw|display")
      ->check(CLI::IsMember({"auto", "raw", "display"}))
      ->capture_default_str();
  cmd->add_option("--out", opt->out, "Write the calibrated model here instead of rewriting MODEL "
                  "(needed for the shipped default model, which is never rewritten)");
  add_threads_option(*cmd, opt->segmenter.threads);
  add_device_option(*cmd, opt->segmenter.device);
  add_engine_options(*cmd, opt->segmenter.engine, opt->segmenter.precision);
  cmd->callback([opt] {
    if (opt->out.empty() && is_shipped_default_model(opt->model))
      throw UsageError("the shipped default model is not rewritten: give --out NEW.pt for the calibrated copy");
    const auto calibration = calibrate_model(opt->model, opt->data, opt->segmenter, opt->calibrate);
    const std::string target = opt->out.empty() ? opt->model : opt->out;
    auto model = model::load_model(opt->model);
    store_calibration(calibration, model.meta);
    model::save_model(target, model.meta, *model.net);
    std::printf("%sstored in %s\n", format_calibration(calibration).c_str(), target.c_str());
  });
}

}  // namespace xnet::cli
