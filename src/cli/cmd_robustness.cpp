#include <cstdio>
#include <memory>
#include <string>

#include "baseline/robustness.hpp"
#include "cli/commands.hpp"
#include "cli/model_argument.hpp"
#include "cli/segmenter_options.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "data/split.hpp"

namespace xnet::cli {

namespace {
struct RobustnessCommandOptions {
  std::string model, data, split = "test", params;
  std::filesystem::path out;
  SegmenterOptions segmenter;
  RobustnessOptions robustness;
};
}  // namespace

void add_robustness_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "robustness",
      "The model against the classical baseline ('xnet baseline') on the same images made worse: quantum noise "
      "of a lower dose (down to a quarter of the data's own) and Gaussian blur. Writes OUT/robustness.json: "
      "per level and method the metrics, connected components per class per image and boundary length against "
      "the truth's");
  auto opt = std::make_shared<RobustnessCommandOptions>();
  add_model_argument(*cmd, opt->model, "Model");
  cmd->add_option("DATA", opt->data, "Labelled dataset")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--out", opt->out, "Folder for robustness.json")->required();
  cmd->add_option("--split", opt->split, "all | train|val|test (from split.csv beside the model)")
      ->check(CLI::IsMember({"all", "train", "val", "test"}))
      ->capture_default_str();
  cmd->add_option("--baseline-params", opt->params, "The baseline's parameters: a baseline.json of 'xnet baseline'")
      ->check(CLI::ExistingFile);
  cmd->add_option("--doses", opt->robustness.doses, "Doses relative to the data's own (1: as it is)")
      ->capture_default_str();
  cmd->add_option("--blurs", opt->robustness.blurs, "Gaussian blur sigmas, pixels of a 512-pixel short side")
      ->capture_default_str();
  add_segmenter_options(*cmd, opt->segmenter);
  cmd->callback([opt] {
    for (double d : opt->robustness.doses)
      if (!(d > 0 && d <= 1)) throw Error("--doses: each must be in (0, 1], got " + std::to_string(d));
    if (!opt->params.empty()) opt->robustness.baseline = read_classical_parameters(opt->params);
    opt->robustness.baseline.polarity = parse_polarity(opt->segmenter.polarity);
    const Segmenter segmenter(opt->model, opt->segmenter);
    const auto samples = select_split(load_dataset(opt->data), opt->model, opt->split);
    const auto result = measure_robustness(
        [&](const Radiograph& r, const std::string& category) { return segmenter.segment(r, category); }, samples,
        opt->robustness);
    ensure_directory(opt->out);
    write_text_atomically(opt->out / "robustness.json", result.dump(2) + "\n");
    std::printf("%-7s %6s  %-13s %-13s %-17s %-17s\n", "level", "value", "model F1", "baseline F1",
                "model boundary", "baseline boundary");
    const auto number = [](const nlohmann::json& v) { return v.is_number() ? v.get<double>() : NAN; };
    for (const auto& level : result["levels"]) {
      const bool blur = level.contains("blur") && !level.contains("dose");
      std::printf("%-7s %6.2f  %-13.4f %-13.4f %-17.3f %-17.3f\n", blur ? "blur" : "noise",
                  blur ? level["blur"].get<double>() : level["dose"].get<double>(), number(level["model"]["weighted_f1"]),
                  number(level["baseline"]["weighted_f1"]), number(level["model"]["boundary_ratio"]),
                  number(level["baseline"]["boundary_ratio"]));
    }
    std::printf("written: %s\n", (opt->out / "robustness.json").string().c_str());
  });
}

}  // namespace xnet::cli
