// metrics.json (contract.md) and the extra keys the report draws from.
#include <string>

#include "core/labels.hpp"
#include "metrics/metrics.hpp"

namespace xnet::metrics {
namespace {

using nlohmann::json;

json value(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json figures(const ClassFigures& c, bool with_counts) {
  json j = {{"precision", value(c.precision)}, {"recall", value(c.recall)}, {"f1", value(c.f1)},
            {"iou", value(c.iou)},             {"auc", value(c.auc)}};
  if (with_counts) {
    j["support"] = c.support;
    j["predicted"] = c.predicted;
  }
  return j;
}

json per_class(const Summary& s, const std::vector<std::optional<AreaUnderCurve>>& aucs) {
  json j = json::object();
  for (std::size_t k = 0; k < s.per_class.size(); ++k) {
    json c = figures(s.per_class[k], true);
    c["auc_error_bound"] =
        k < aucs.size() && aucs[k] ? json(aucs[k]->error_bound) : json(nullptr);
    j[label::names[k]] = c;
  }
  return j;
}

json bins(const ReliabilityDiagram& diagram) {
  json j = json::array();
  for (const auto& b : diagram.bins())
    j.push_back({{"lo", b.lo}, {"hi", b.hi}, {"confidence", value(b.confidence)},
                 {"accuracy", value(b.accuracy)}, {"count", b.count}});
  return j;
}

json reliability(const ReliabilityDiagram& diagram) {
  return {{"confidence", value(diagram.confidence())}, {"accuracy", value(diagram.accuracy())},
          {"ece", value(diagram.ece())}, {"mce", value(diagram.mce())}, {"bins", bins(diagram)}};
}

json confusion(const ConfusionMatrix& m) {
  json rows = json::array();
  for (int t = 0; t < m.classes(); ++t) {
    json row = json::array();
    for (int p = 0; p < m.classes(); ++p) row.push_back(m.at(t, p));
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

nlohmann::json to_json(const Metrics& m) {
  json j;
  j["classes"] = json::array();
  for (int k = 0; k < m.classes; ++k) j["classes"].push_back(label::names[k]);
  j["images"] = m.images;
  j["pixels"] = m.pixels();
  j["accuracy"] = value(m.summary.accuracy);
  std::vector<std::optional<AreaUnderCurve>> aucs;
  for (const auto& c : m.curves) aucs.push_back(c.auc);
  j["per_class"] = per_class(m.summary, aucs);
  j["weighted"] = figures(m.summary.weighted, false);
  j["confusion_matrix"] = confusion(m.confusion);
  j["calibration"] = reliability(m.calibration);
  j["per_category"] = json::object();
  for (const auto& [name, cat] : m.per_category)
    j["per_category"][name] = {{"accuracy", value(cat.summary.accuracy)},
                               {"weighted", figures(cat.summary.weighted, false)},
                               {"images", cat.images},
                               {"pixels", cat.confusion.total()},
                               {"per_class", per_class(cat.summary, cat.auc)}};
  j["reliability"] = json::object();
  j["roc"] = json::object();
  for (int k = 0; k < m.classes; ++k) {
    const ClassCurves& c = m.curves[k];
    j["reliability"][label::names[k]] = reliability(c.reliability);
    json fpr = json::array(), tpr = json::array(), threshold = json::array();
    for (const auto& point : c.roc) {
      fpr.push_back(point.fpr);
      tpr.push_back(point.tpr);
      threshold.push_back(point.threshold);
    }
    j["roc"][label::names[k]] = {{"fpr", fpr}, {"tpr", tpr}, {"threshold", threshold}};
  }
  return j;
}

}  // namespace xnet::metrics
