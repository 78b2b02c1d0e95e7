#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/model_argument.hpp"
#include "cli/segmenter_options.hpp"
#include "evaluation/evaluation.hpp"

namespace xnet::cli {

namespace {
struct EvaluateCommandOptions {
  std::string model, data;
  SegmenterOptions segmenter;
  EvaluateOptions evaluate;
};
}  // namespace

void add_evaluate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "evaluate",
      "Evaluate a model on a dataset: metrics table and metrics.json. By default measures exactly what "
      "'xnet predict' writes (same thresholds, clean-up and collimator, full resolution)");
  auto opt = std::make_shared<EvaluateCommandOptions>();
  add_model_argument(*cmd, opt->model, "Model");
  cmd->add_option("DATA", opt->data, "Dataset folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--split", opt->evaluate.split, "all | train|val|test (from split.csv beside the model)")
      ->check(CLI::IsMember({"all", "train", "val", "test"}))
      ->capture_default_str();
  cmd->add_option("--out", opt->evaluate.out,
                  "Folder for metrics.json and examples/ (default: the current folder)")
      ->capture_default_str();
  cmd->add_flag("--replace-run-metrics", opt->evaluate.replace_run_metrics,
                "Let --out be a training run's folder and replace the metrics.json and examples/ that "
                "training wrote there (refused otherwise)");
  cmd->add_option("--examples", opt->evaluate.examples, "Best and worst images kept as overlays")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--boundary-tolerance", opt->evaluate.boundary_tolerance,
                  "Pixels within which a predicted class boundary counts as right (boundary F1, at the "
                  "input's full resolution; HD95 is reported beside it)")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  cmd->add_flag("--network-only", opt->segmenter.network_only,
                "Measure the plain argmax of the network at full resolution (no threshold, clean-up or collimator)");
  add_segmenter_options(*cmd, opt->segmenter);
  cmd->callback([opt] {
    const Segmenter segmenter(opt->model, opt->segmenter);
    const auto evaluation = evaluate_model(segmenter, opt->model, opt->data, opt->evaluate);
    std::printf("%s\nwritten: %s\n", evaluation.table.c_str(), (opt->evaluate.out / "metrics.json").string().c_str());
  });
}

}  // namespace xnet::cli
