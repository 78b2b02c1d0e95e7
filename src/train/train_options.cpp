#include "train/train_options.hpp"

namespace xnet {

double TrainOptions::learning_rate() const {
  if (lr > 0) return lr;
  if (optimizer == "rmsprop") return 1e-4;  // reference.md
  if (optimizer == "sgd") return 1e-2;
  return 1e-3;
}

int TrainOptions::max_epochs() const {
  if (epochs > 0) return epochs;
  return time_limit_minutes > 0 ? 1000 : 60;
}

// One list of fields for both directions, so they cannot drift apart.
#define XNET_TRAIN_FIELDS(F)                                                                      \
  F(model) F(base_filters) F(input_size) F(collimator_class) F(freeze) F(optimizer) F(lr)         \
  F(schedule) F(epochs) F(batch_size) F(epoch_size) F(patience) F(time_limit_minutes) F(l2)       \
  F(class_weights) F(boundary_weight) F(region_loss) F(region_weight) F(augment) F(seed)          \
  F(threads) F(device) F(examples) F(square_windows)

void to_json(nlohmann::json& j, const TrainOptions& o) {
  j = nlohmann::json::object();
#define XNET_PUT(name) j[#name] = o.name;
  XNET_TRAIN_FIELDS(XNET_PUT)
#undef XNET_PUT
  j["data"] = o.data.string();
  j["out"] = o.out.string();
  j["init"] = o.init.string();
  j["split_file"] = o.split_file.string();
  j["fractions"] = {{"val", o.fractions.val}, {"test", o.fractions.test}};
}

void from_json(const nlohmann::json& j, TrainOptions& o) {
#define XNET_GET(name) if (j.contains(#name)) j.at(#name).get_to(o.name);
  XNET_TRAIN_FIELDS(XNET_GET)
#undef XNET_GET
  o.data = j.value("data", std::string());
  o.out = j.value("out", std::string());
  o.init = j.value("init", std::string());
  o.split_file = j.value("split_file", std::string());
  if (j.contains("fractions")) {
    o.fractions.val = j["fractions"].value("val", 0.15);
    o.fractions.test = j["fractions"].value("test", 0.15);
  }
}

}  // namespace xnet
