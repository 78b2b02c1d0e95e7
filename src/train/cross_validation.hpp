#pragma once
// `xnet cv`: K-fold cross-validation (reference.md warns of the "danger" of a single split).
// Folds are stratified by category, or one category is left out per fold (train without a body
// part, test on it: the original claim of generalising to unseen body parts). Each fold is a
// full training run in DIR/fold_K (its test split = the fold; validation = the split rules
// applied to the rest); DIR/cv.json holds per-fold figures and their mean and std.
#include <filesystem>

#include <nlohmann/json.hpp>

#include "train/train_options.hpp"

namespace xnet {

struct CrossValidationOptions {
  TrainOptions train;  // data and training settings; out is replaced per fold
  std::filesystem::path out;
  int folds = 5;
  bool leave_category_out = false;
};

// Runs every fold, writes DIR/cv.json and returns it. A --time-limit is shared by the folds.
nlohmann::json cross_validate(const CrossValidationOptions& options);

// {"mean": .., "std": ..} (population std) of the non-null values; nulls when there are none.
nlohmann::json mean_and_std(const std::vector<nlohmann::json>& values);

}  // namespace xnet
