#include <cstdio>
#include <memory>
#include <string>

#include "baseline/classical_segmentation.hpp"
#include "cli/commands.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/labels.hpp"
#include "data/split.hpp"
#include "evaluation/evaluation.hpp"

namespace xnet::cli {

namespace {
struct BaselineCommandOptions {
  std::string data, tune, run, params, polarity = "auto";
  EvaluateOptions evaluate;
};

// The labelled samples of `data` in `split`: all, or the part RUN/split.csv assigns.
std::vector<Sample> samples_of(const std::string& data, const std::string& split, const std::string& run) {
  const Dataset dataset = load_dataset(data);
  if (split != "all" && run.empty())
    throw Error("--split " + split + " needs --run RUN, the training run whose split.csv names the parts");
  return select_split(dataset, std::filesystem::path(run) / "model.pt", split);
}

}  // namespace

void add_baseline_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "baseline",
      "Segment a dataset with the classical pipeline the network is compared with, and measure it like "
      "'xnet evaluate': collimator from the blade detector (label 3 outside the field); the image as "
      "attenuation (-log of raw data), smoothed; open beam by Otsu's threshold of the field, kept where it "
      "reaches the field's edge; bone by local contrast (white top-hat, Otsu's threshold times a bias, "
      "closing, holes filled, small regions removed); soft tissue the rest of the body. Writes "
      "OUT/metrics.json, OUT/examples/ and OUT/baseline.json (the parameters)");
  auto opt = std::make_shared<BaselineCommandOptions>();
  opt->evaluate.out.clear();
  cmd->add_option("DATA", opt->data, "Dataset folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--out", opt->evaluate.out, "Folder for metrics.json, examples/ and baseline.json")->required();
  cmd->add_option("--split", opt->evaluate.split, "all | train|val|test (from --run's split.csv)")
      ->check(CLI::IsMember({"all", "train", "val", "test"}))
      ->capture_default_str();
  cmd->add_option("--run", opt->run, "Training run whose split.csv picks the images (the network's own test split)")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--tune", opt->tune,
                  "Fit the two global parameters (top-hat disc size, threshold bias) once on this labelled "
                  "dataset (its train split with --run) before segmenting")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--params", opt->params, "Parameters from an earlier run's baseline.json")->check(CLI::ExistingFile);
  cmd->add_option("--polarity", opt->polarity, "auto (DICOM intent, else from the pixels) | raw | display")
      ->check(CLI::IsMember({"auto", "raw", "display"}))
      ->capture_default_str();
  cmd->add_option("--examples", opt->evaluate.examples, "Best and worst images kept as overlays")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->callback([opt] {
    if (!opt->tune.empty() && !opt->params.empty()) throw Error("--tune and --params exclude each other");
    ClassicalOptions options = opt->params.empty() ? ClassicalOptions{} : read_classical_parameters(opt->params);
    options.polarity = parse_polarity(opt->polarity);
    nlohmann::json record = nlohmann::json::object();
    if (!opt->tune.empty()) {
      const auto tuning = tune_classical(samples_of(opt->tune, opt->run.empty() ? "all" : "train", opt->run), options);
      options = tuning.options;
      record["tuned_on"] = opt->tune;
      record["tuning_weighted_f1"] = tuning.weighted_f1;
      record["tuning_grid"] = tuning.grid;
      std::printf("tuned on %s: bone_scale %.3f, bone_bias %.2f (weighted F1 %.3f at the working scale)\n",
                  opt->tune.c_str(), options.bone_scale, options.bone_bias, tuning.weighted_f1);
    }
    const auto samples = samples_of(opt->data, opt->evaluate.split, opt->run);
    const auto evaluation = evaluate_samples(
        [&](const Radiograph& r, const std::string&) { return classical_segmentation(r, options); },
        label::max_classes, samples, opt->evaluate);
    record["parameters"] = options;
    write_text_atomically(opt->evaluate.out / "baseline.json", record.dump(2) + "\n");
    std::printf("%s\nwritten: %s\n", evaluation.table.c_str(), (opt->evaluate.out / "metrics.json").string().c_str());
  });
}

}  // namespace xnet::cli
