#pragma once
// The soft-tissue thresholds kept in the model file's "thresholds" object (written by
// `xnet calibrate`, read by every Segmenter):
//   {"soft_tissue": 0.6, "soft_tissue_per_category": {"hand": 0.7, ...}, "criterion": "..."}
// reference.md: a pixel is soft tissue only if p(soft tissue) > t, t set per body part.
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace xnet {

struct SoftTissueThresholdTable {
  std::optional<double> global;
  std::map<std::string, double> per_category;
  std::string criterion;  // how they were chosen, e.g. "max_fpr 0.05" or "best_f1"

  // The category's threshold, else the global one, else fallback.
  double for_category(const std::string& category, double fallback) const;
};

// Reads the fields above from a model's thresholds object (missing fields stay unset; a
// value outside [0, 1] is an error).
SoftTissueThresholdTable soft_tissue_thresholds_from(const nlohmann::json& thresholds);
// Merges the fields into thresholds, keeping any other keys there.
void store_soft_tissue_thresholds(nlohmann::json& thresholds, const SoftTissueThresholdTable& t);

}  // namespace xnet
