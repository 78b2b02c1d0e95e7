#include "engine/model_description.hpp"

#include "core/error.hpp"

namespace xnet::engine {

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

namespace {

void check_range(const std::filesystem::path& file, const char* what, int value, int lo, int hi) {
  if (value < lo || value > hi)
    throw file_error(file, std::string("model describes ") + what + " " + std::to_string(value) + ", outside " +
                               std::to_string(lo) + ".." + std::to_string(hi));
}

// Sizes a model may describe before anything is allocated from them. The bounds are wide
// around what is trained (XNet: 200 px, 64 base filters, reference.md), narrow enough that a
// hostile file cannot ask for gigabytes: XNet-256 at 1024^2 is the largest network they allow.
void check_sizes(const ModelFile& m, const std::filesystem::path& file) {
  check_range(file, "an input size of", m.input_size, 8, 1024);
  check_range(file, "base filters of", m.network.base_filters, 1, 256);
  check_range(file, "input channels of", m.network.input_channels, 1, 4);
  check_range(file, "a class count of", m.network.classes, 2, 4);  // labels 0-3 (contract.md)
  check_range(file, "a kernel size of", m.network.kernel_size, 1, 7);
  check_range(file, "a depth of", m.network.depth, 1, 8);
  if (static_cast<int>(m.classes.size()) != m.network.classes)
    throw file_error(file, "model names " + std::to_string(m.classes.size()) + " classes but its network has " +
                               std::to_string(m.network.classes));
}

}  // namespace

ModelFile description_from_records(const std::filesystem::path& file, const std::string* magic,
                                   const int64_t* version, const std::string* description) {
  if (!magic || *magic != kMagic) throw file_error(file, "a LibTorch archive but not an xnet model (no xnet metadata)");
  if (!version) throw file_error(file, "xnet model without a format version");
  if (*version > kModelFormatVersion)
    throw file_error(file, "model format version " + std::to_string(*version) + " is newer than this xnet reads (" +
                               std::to_string(kModelFormatVersion) + ")");
  if (!description) throw file_error(file, "xnet model without its description");
  ModelFile model;
  try {
    model = nlohmann::json::parse(*description).get<ModelFile>();
  } catch (const nlohmann::json::exception& e) {
    throw file_error(file, std::string("model description is not valid: ") + e.what());
  }
  check_sizes(model, file);
  return model;
}

}  // namespace xnet::engine
