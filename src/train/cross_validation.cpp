#include "train/cross_validation.hpp"

#include <cmath>
#include <cstdio>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "data/dataset.hpp"
#include "train/sample_cache.hpp"
#include "data/split.hpp"
#include "train/trainer.hpp"

namespace fs = std::filesystem;

namespace xnet {

nlohmann::json mean_and_std(const std::vector<nlohmann::json>& values) {
  double sum = 0, sum2 = 0;
  int n = 0;
  for (const auto& v : values)
    if (v.is_number()) {
      sum += v.get<double>();
      sum2 += v.get<double>() * v.get<double>();
      ++n;
    }
  if (n == 0) return {{"mean", nullptr}, {"std", nullptr}};
  const double mean = sum / n;
  return {{"mean", mean}, {"std", std::sqrt(std::max(0.0, sum2 / n - mean * mean))}};
}

namespace {

// The headline figures of a fold's metrics.json (contract.md).
nlohmann::json headline(const nlohmann::json& metrics) {
  const auto weighted = metrics.value("weighted", nlohmann::json::object());
  return {{"accuracy", metrics.value("accuracy", nlohmann::json())},
          {"weighted_f1", weighted.value("f1", nlohmann::json())},
          {"auc", weighted.value("auc", nlohmann::json())}};
}

}  // namespace

nlohmann::json cross_validate(const CrossValidationOptions& o) {
  if (o.out.empty()) throw UsageError("--out DIR is required");
  const Dataset dataset = load_dataset(o.train.data);
  std::vector<std::string> keys, categories;
  for (const auto& s : dataset.samples)
    if (s.labelled()) {
      keys.push_back(sample_key(dataset, s));
      categories.push_back(s.category);
    }
  std::vector<std::string> fold_names;
  const std::vector<int> folds = o.leave_category_out ? category_folds(categories, &fold_names)
                                                      : stratified_folds(categories, o.folds, o.train.seed);
  const int k = o.leave_category_out ? static_cast<int>(fold_names.size()) : o.folds;
  ensure_directory(o.out);

  nlohmann::json per_fold = nlohmann::json::array();
  for (int f = 0; f < k; ++f) {
    // Test = this fold; validation and training = the split rules on the rest.
    std::vector<int> rest;
    std::vector<std::string> rest_categories;
    for (int i = 0; i < static_cast<int>(folds.size()); ++i)
      if (folds[i] != f) {
        rest.push_back(i);
        rest_categories.push_back(categories[i]);
      }
    const auto rest_parts = make_split(rest_categories, {o.train.fractions.val, 0.0}, o.train.seed + f);
    std::vector<SplitPart> parts(keys.size(), SplitPart::test);
    for (std::size_t j = 0; j < rest.size(); ++j) parts[rest[j]] = rest_parts[j];

    TrainOptions t = o.train;
    t.out = o.out / ("fold_" + std::to_string(f + 1));
    ensure_directory(t.out);
    t.split_file = t.out / "split.csv";  // the trainer reads it back and keeps it
    write_split_csv(t.split_file, keys, parts);
    if (o.train.time_limit_minutes > 0) t.time_limit_minutes = o.train.time_limit_minutes / k;
    std::fprintf(stderr, "fold %d/%d%s\n", f + 1, k,
                 o.leave_category_out ? (" (without " + fold_names[f] + ")").c_str() : "");
    const TrainResult r = train(t);
    nlohmann::json entry = headline(r.metrics.is_null() ? nlohmann::json::object() : r.metrics);
    entry["fold"] = f + 1;
    entry["run"] = t.out.filename().string();
    entry["test_images"] = std::count(parts.begin(), parts.end(), SplitPart::test);
    entry["epochs"] = r.epochs;
    entry["best_epoch"] = r.best_epoch;
    if (o.leave_category_out) entry["category"] = fold_names[f];
    per_fold.push_back(entry);
  }

  nlohmann::json summary = nlohmann::json::object();
  for (const char* figure : {"accuracy", "weighted_f1", "auc"}) {
    std::vector<nlohmann::json> values;
    for (const auto& fold : per_fold) values.push_back(fold[figure]);
    summary[figure] = mean_and_std(values);
  }
  const nlohmann::json cv = {{"mode", o.leave_category_out ? "leave-category-out" : "stratified"},
                             {"folds", k},
                             {"per_fold", per_fold},
                             {"summary", summary}};
  write_text_atomically(o.out / "cv.json", cv.dump(2));
  return cv;
}

}  // namespace xnet
