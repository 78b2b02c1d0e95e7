#include "engine/model_description.hpp"

#include "core/error.hpp"

namespace xnet::model {

void to_json(nlohmann::json& j, const NetworkSpec& s) {
  j = {{"architecture", s.architecture}, {"base_filters", s.base_filters},
       {"kernel_size", s.kernel_size},   {"input_channels", s.input_channels},
       {"classes", s.classes},           {"depth", s.depth},
       {"upsampling", s.upsampling}};
}

void from_json(const nlohmann::json& j, NetworkSpec& s) {
  const NetworkSpec defaults;
  s.architecture = j.value("architecture", defaults.architecture);
  s.base_filters = j.value("base_filters", defaults.base_filters);
  s.kernel_size = j.value("kernel_size", defaults.kernel_size);
  s.input_channels = j.value("input_channels", defaults.input_channels);
  s.classes = j.value("classes", defaults.classes);
  s.depth = j.value("depth", defaults.depth);
  s.upsampling = j.value("upsampling", defaults.upsampling);
}

void to_json(nlohmann::json& j, const ModelFile& m) {
  j = {{"network", m.network},         {"input_size", m.input_size},
       {"classes", m.classes},         {"preprocessing", m.preprocessing},
       {"calibration", m.calibration}, {"thresholds", m.thresholds},
       {"provenance", m.provenance},   {"format_version", m.format_version}};
}

void from_json(const nlohmann::json& j, ModelFile& m) {
  m.network = j.at("network").get<NetworkSpec>();
  m.input_size = j.at("input_size").get<int>();
  m.classes = j.at("classes").get<std::vector<std::string>>();
  m.preprocessing = j.value("preprocessing", nlohmann::json::object());
  m.calibration = j.value("calibration", nlohmann::json{{"temperature", 1.0}});
  m.thresholds = j.value("thresholds", nlohmann::json::object());
  m.provenance = j.value("provenance", nlohmann::json::object());
  m.format_version = j.at("format_version").get<int>();
}

ModelFile description_from_records(const std::filesystem::path& file, const std::string* magic,
                                   const int64_t* version, const std::string* description) {
  if (!magic || *magic != kMagic) throw file_error(file, "a LibTorch archive but not an xnet model (no xnet metadata)");
  if (!version) throw file_error(file, "xnet model without a format version");
  if (*version > kModelFormatVersion)
    throw file_error(file, "model format version " + std::to_string(*version) + " is newer than this xnet reads (" +
                               std::to_string(kModelFormatVersion) + ")");
  if (!description) throw file_error(file, "xnet model without its description");
  try {
    return nlohmann::json::parse(*description).get<ModelFile>();
  } catch (const nlohmann::json::exception& e) {
    throw file_error(file, std::string("model description is not valid: ") + e.what());
  }
}

}  // namespace xnet::model
