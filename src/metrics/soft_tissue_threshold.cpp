#include "metrics/soft_tissue_threshold.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/labels.hpp"

namespace xnet::metrics {
namespace {

// 8 mantissa bits: 20k candidate thresholds, finer towards 1 (t = 0.99 resolved to ~4e-5)
// where the original's per-body-part thresholds went.
constexpr int threshold_bits = 8;
constexpr int soft = label::soft_tissue;

}  // namespace

SoftTissueThresholdSearch::Histogram::Histogram(int classes)
    : roc(threshold_bits), counts(roc.bins().count() * classes * classes, 0) {}

SoftTissueThresholdSearch::SoftTissueThresholdSearch(int classes)
    : classes_(classes), bins_(threshold_bits), global_(classes) {
  if (classes != 3 && classes != 4)
    throw Error("soft-tissue threshold: 3 or 4 classes expected, got " + std::to_string(classes));
}

SoftTissueThresholdSearch::Histogram& SoftTissueThresholdSearch::category(const std::string& name) {
  auto it = categories_.find(name);
  if (it == categories_.end()) it = categories_.emplace(name, Histogram(classes_)).first;
  return it->second;
}

void SoftTissueThresholdSearch::add(const std::vector<cv::Mat>& probabilities, const cv::Mat& truth,
                                    const std::string& name) {
  if (int(probabilities.size()) != classes_ || truth.type() != CV_8UC1)
    throw Error("soft-tissue threshold, category '" + name + "': expected " +
                std::to_string(classes_) + " probability maps and an 8-bit truth map");
  for (const auto& p : probabilities)
    if (p.type() != CV_32FC1 || p.size() != truth.size())
      throw Error("soft-tissue threshold, category '" + name +
                  "': probability maps must be CV_32F and the size of the truth");
  Histogram& cat = category(name);
  const int k_count = classes_;
  for (int y = 0; y < truth.rows; ++y)
    for (int x = 0; x < truth.cols; ++x) {
      const int t = truth.at<std::uint8_t>(y, x);
      if (t == label::ignore) continue;
      if (t >= k_count)
        throw Error("soft-tissue threshold, category '" + name + "': label " + std::to_string(t) +
                    " is not one of the " + std::to_string(k_count) + " classes");
      int other = -1;  // the larger of the other classes (reference.md)
      for (int k = 0; k < k_count; ++k)
        if (k != soft && (other < 0 || probabilities[k].at<float>(y, x) > probabilities[other].at<float>(y, x)))
          other = k;
      const float p = probabilities[soft].at<float>(y, x);
      if (std::isnan(p)) throw Error("soft-tissue threshold, category '" + name + "': NaN probability");
      const std::size_t cell = (bins_.index(p) * k_count + t) * k_count + other;
      for (Histogram* h : {&global_, &cat}) {
        h->counts[cell] += 1;
        h->roc.add(p, t == soft);
      }
    }
}

void SoftTissueThresholdSearch::merge(const SoftTissueThresholdSearch& other) {
  if (other.classes_ != classes_) throw Error("soft-tissue threshold: cannot merge different class counts");
  auto merge_into = [](Histogram& mine, const Histogram& theirs) {
    for (std::size_t i = 0; i < mine.counts.size(); ++i) mine.counts[i] += theirs.counts[i];
    mine.roc.merge(theirs.roc);
  };
  merge_into(global_, other.global_);
  for (const auto& [name, h] : other.categories_) merge_into(category(name), h);
}

std::optional<SoftTissueOperatingPoint> SoftTissueThresholdSearch::best(
    const Histogram& h, const SoftTissueCriterion& criterion) const {
  const int k_count = classes_;
  // Start with nothing called soft tissue (t = 1), then call bin after bin soft from the top.
  ConfusionMatrix confusion(k_count);
  for (std::size_t bin = 0; bin < bins_.count(); ++bin)
    for (int t = 0; t < k_count; ++t)
      for (int o = 0; o < k_count; ++o) confusion.at(t, o) += h.counts[(bin * k_count + t) * k_count + o];
  const std::uint64_t positives = confusion.support(soft), negatives = confusion.total() - positives;
  if (positives == 0 || (criterion.max_fpr && negatives == 0)) return std::nullopt;

  std::optional<SoftTissueOperatingPoint> chosen;
  auto consider = [&](double threshold) {
    const Summary s = summarize(confusion, {});
    SoftTissueOperatingPoint point;
    point.threshold = threshold;
    point.pixels = confusion.total();
    const ClassFigures& st = s.per_class[soft];
    point.tpr = st.recall;
    point.precision = st.precision;
    point.f1 = st.f1;
    if (negatives > 0) point.fpr = double(st.predicted - confusion.at(soft, soft)) / double(negatives);
    point.accuracy = s.accuracy;
    point.weighted_f1 = s.weighted.f1;
    // Strict improvements only: thresholds descend, so ties keep the higher t.
    const bool better =
        criterion.max_fpr
            ? *point.fpr <= *criterion.max_fpr && (!chosen || *point.tpr > *chosen->tpr)
            : !chosen || point.f1.value_or(0) > chosen->f1.value_or(0);
    if (better) chosen = point;
  };
  consider(1.0);  // p > 1 never holds
  for (std::size_t bin = bins_.count(); bin-- > 0;) {
    bool moved = false;
    for (int t = 0; t < k_count; ++t)
      for (int o = 0; o < k_count; ++o) {
        const std::uint64_t c = h.counts[(bin * k_count + t) * k_count + o];
        if (c == 0) continue;
        confusion.at(t, o) -= c;
        confusion.at(t, soft) += c;
        moved = true;
      }
    // bin and above are soft: p >= lower_edge(bin), i.e. p > the float just below it.
    if (moved) consider(std::nextafter(bins_.lower_edge(bin), -1.0f));
  }
  return chosen;
}

SoftTissueThresholds SoftTissueThresholdSearch::choose(const SoftTissueCriterion& criterion) const {
  SoftTissueThresholds out;
  out.criterion = criterion;
  const auto global = best(global_, criterion);
  if (!global)
    throw Error(criterion.max_fpr
                    ? "soft-tissue threshold: the validation pixels need soft tissue and other classes"
                    : "soft-tissue threshold: the validation pixels contain no soft tissue");
  out.global = *global;
  out.auc = global_.roc.auc();
  out.roc = global_.roc.roc_curve();
  for (const auto& [name, h] : categories_) {
    auto point = best(h, criterion);
    if (!point) {
      point = out.global;
      point->from_global = true;
    }
    out.per_category.emplace(name, *point);
  }
  return out;
}

namespace {

nlohmann::json point_json(const SoftTissueOperatingPoint& p) {
  auto value = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"threshold", p.threshold}, {"fpr", value(p.fpr)},           {"tpr", value(p.tpr)},
          {"precision", value(p.precision)}, {"f1", value(p.f1)},     {"accuracy", value(p.accuracy)},
          {"weighted_f1", value(p.weighted_f1)}, {"pixels", p.pixels}, {"from_global", p.from_global}};
}

}  // namespace

nlohmann::json to_json(const SoftTissueThresholds& t) {
  nlohmann::json j;
  j["criterion"] = t.criterion.max_fpr ? nlohmann::json{{"max_fpr", *t.criterion.max_fpr}}
                                       : nlohmann::json{{"best_f1", true}};
  j["global"] = point_json(t.global);
  j["per_category"] = nlohmann::json::object();
  for (const auto& [name, p] : t.per_category) j["per_category"][name] = point_json(p);
  j["auc"] = t.auc ? nlohmann::json(t.auc->value) : nlohmann::json(nullptr);
  nlohmann::json fpr = nlohmann::json::array(), tpr = nlohmann::json::array(),
                 threshold = nlohmann::json::array();
  for (const auto& p : t.roc) {
    fpr.push_back(p.fpr);
    tpr.push_back(p.tpr);
    threshold.push_back(p.threshold);
  }
  j["roc"] = {{"fpr", fpr}, {"tpr", tpr}, {"threshold", threshold}};
  return j;
}

}  // namespace xnet::metrics
