#include "predict/model_thresholds.hpp"

#include "core/error.hpp"

namespace xnet {

namespace {
double checked_probability(const nlohmann::json& value, const std::string& what) {
  if (!value.is_number()) throw Error("model file: thresholds: " + what + " is not a number");
  const double p = value.get<double>();
  if (p < 0.0 || p > 1.0) throw Error("model file: thresholds: " + what + " = " + std::to_string(p) + " is outside [0, 1]");
  return p;
}
}  // namespace

double SoftTissueThresholdTable::for_category(const std::string& category, double fallback) const {
  if (const auto it = per_category.find(category); !category.empty() && it != per_category.end())
    return it->second;
  return global.value_or(fallback);
}

SoftTissueThresholdTable soft_tissue_thresholds_from(const nlohmann::json& thresholds) {
  SoftTissueThresholdTable t;
  if (!thresholds.is_object()) return t;
  if (const auto it = thresholds.find("soft_tissue"); it != thresholds.end() && !it->is_null())
    t.global = checked_probability(*it, "soft_tissue");
  if (const auto it = thresholds.find("soft_tissue_per_category"); it != thresholds.end() && it->is_object())
    for (const auto& [category, value] : it->items())
      t.per_category[category] = checked_probability(value, "soft_tissue_per_category." + category);
  if (const auto it = thresholds.find("criterion"); it != thresholds.end() && it->is_string())
    t.criterion = it->get<std::string>();
  return t;
}

void store_soft_tissue_thresholds(nlohmann::json& thresholds, const SoftTissueThresholdTable& t) {
  if (!thresholds.is_object()) thresholds = nlohmann::json::object();
  if (t.global) thresholds["soft_tissue"] = *t.global;
  thresholds["soft_tissue_per_category"] = t.per_category;
  if (!t.criterion.empty()) thresholds["criterion"] = t.criterion;
}

}  // namespace xnet
