#include "augment/augment_options.hpp"

#include <string>

#include "core/error.hpp"

namespace xnet {

namespace {
// One table of the numeric fields keeps to_json and from_json in step.
template <typename Visit>
void for_each_field(AugmentOptions& o, Visit&& visit) {
  visit("flip_probability", o.flip_probability, 0.0, 1.0);
  visit("max_translation", o.max_translation, 0.0, 0.5);
  visit("max_rotation_deg", o.max_rotation_deg, 0.0, 180.0);
  visit("max_shear_deg", o.max_shear_deg, 0.0, 45.0);
  visit("crop_probability", o.crop_probability, 0.0, 1.0);
  visit("min_crop", o.min_crop, 0.0, 0.9);
  visit("max_crop", o.max_crop, 0.0, 0.9);
  visit("elastic_probability", o.elastic_probability, 0.0, 1.0);
  visit("max_blur_sigma", o.max_blur_sigma, 0.0, 10.0);
  visit("elastic_displacement", o.elastic_displacement, 0.0, 0.2);
  visit("elastic_smoothness", o.elastic_smoothness, 0.001, 1.0);
  visit("max_offset", o.max_offset, 0.0, 1.0);
  visit("max_gain", o.max_gain, 0.0, 0.9);
  visit("max_gamma", o.max_gamma, 1.0, 5.0);
  visit("max_noise", o.max_noise, 0.0, 1.0);
  visit("display_look_probability", o.display_look_probability, 0.0, 1.0);
  visit("max_edge_enhancement", o.max_edge_enhancement, 0.0, 5.0);
  visit("background_removal_probability", o.background_removal_probability, 0.0, 1.0);
  visit("range_compression_probability", o.range_compression_probability, 0.0, 1.0);
  visit("max_range_compression", o.max_range_compression, 0.0, 1.0);
  visit("local_equalisation_probability", o.local_equalisation_probability, 0.0, 1.0);
  visit("tone_curve_probability", o.tone_curve_probability, 0.0, 1.0);
  visit("max_tone_slope", o.max_tone_slope, 1.0, 20.0);
}
}  // namespace

void to_json(nlohmann::json& j, const AugmentOptions& o) {
  j = nlohmann::json{{"enabled", o.enabled}, {"reflect_labels", o.reflect_labels}};
  AugmentOptions copy = o;
  for_each_field(copy, [&](const char* name, double& value, double, double) { j[name] = value; });
}

void from_json(const nlohmann::json& j, AugmentOptions& o) {
  AugmentOptions read;
  read.enabled = j.value("enabled", read.enabled);
  read.reflect_labels = j.value("reflect_labels", read.reflect_labels);
  // A run from before the grey-value randomisation did none of it (so --resume continues alike).
  if (!j.contains("tone_curve_probability"))
    read.range_compression_probability = read.local_equalisation_probability = read.tone_curve_probability = 0.0;
  for_each_field(read, [&](const char* name, double& value, double low, double high) {
    value = j.value(name, value);
    if (!(value >= low && value <= high))
      throw Error(std::string("augmentation: ") + name + " must be in [" + std::to_string(low) +
                  ", " + std::to_string(high) + "] (found " + std::to_string(value) + ")");
  });
  if (read.min_crop > read.max_crop)
    throw Error("augmentation: min_crop must not exceed max_crop");
  o = read;
}

}  // namespace xnet
