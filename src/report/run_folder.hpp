#pragma once
// What `xnet report` reads from a training run folder. Every piece is optional: a missing or
// unreadable one is recorded with the reason, and the report says "not available".
//
// RUN/history.csv   header epoch,train_loss,val_loss,val_accuracy,val_weighted_f1,lr,seconds
//                   (columns found by name, in any order; empty cells allowed)
// RUN/metrics.json  contract.md's metrics.json plus metrics::to_json's "roc" and "reliability"
// RUN/examples/     best and worst test images, rank N = 1, 2, ... (1 = the very best/worst):
//   {best,worst}_N_image.png       the radiograph as shown to a person (8-bit gray or RGB)
//   {best,worst}_N_truth.png       ground truth drawn over the image (colour overlay)
//   {best,worst}_N_prediction.png  prediction drawn over the image (colour overlay)
//   {best,worst}_N_errors.png      where prediction and truth differ (e.g. red on gray)
//   {best,worst}_N.json            optional caption: {"image": "...", "category": "...",
//                                  "accuracy": .., "weighted_f1": ..} (any keys, shown as-is)
// For the comparison with the classical baseline (issue 21), each optional:
// RUN/baseline/metrics.json  `xnet baseline` on the same images (e.g. --run RUN --split test)
// RUN/robustness.json        `xnet robustness RUN/model.pt DATA --out RUN`
// RUN/cv.json                `xnet cv --leave-category-out --out RUN`: the network's figures
//                            for each category held out of training
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace xnet::report {

struct History {
  std::map<std::string, std::vector<double>> columns;  // by header name; NaN = empty cell
  std::size_t rows = 0;
  const std::vector<double>* column(const std::string& name) const;
};

struct Example {
  std::string kind;  // "best" or "worst"
  int rank = 0;
  std::map<std::string, std::filesystem::path> panels;  // image, truth, prediction, errors
  std::optional<nlohmann::json> caption;
};

struct RunFolder {
  std::filesystem::path path;
  std::optional<History> history;
  std::string history_missing;  // why not, when history is none
  std::optional<nlohmann::json> metrics;
  std::string metrics_missing;
  std::vector<Example> examples;  // best first, then worst, by rank
  std::string examples_missing;
  std::optional<nlohmann::json> baseline_metrics, robustness, cv;
  std::string comparison_missing;  // why the three are absent, file by file
};

// Throws xnet::Error only when `run` is not a folder.
RunFolder read_run_folder(const std::filesystem::path& run);

// Parses history.csv text; throws xnet::Error naming `file` on a malformed row.
History parse_history(const std::string& text, const std::filesystem::path& file);

}  // namespace xnet::report
