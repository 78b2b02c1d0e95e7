#pragma once
// What model.pt says about itself (contract.md), readable without LibTorch: the network's
// spec and the model's classes, input size, preprocessing, calibration, thresholds and
// provenance. The weights are read by model/model_file (LibTorch) or engine/model_archive.
// Namespace engine, as its folder: the LibTorch model library uses it, not the reverse.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace xnet::engine {

// What a network is, independent of its weights; stored in model.pt.
struct NetworkSpec {
  std::string architecture = "xnet";  // xnet | unet | segnet | deeplab
  int base_filters = 64;              // filters of the first level, doubled per level (64..512)
  int kernel_size = 3;                // odd, same padding (reference.md: 3x3)
  int input_channels = 1;
  int classes = 3;                    // open beam, soft tissue, bone (+ collimator)
  int depth = 4;                      // resolution levels; XNet's is fixed at 4 (reference.md)
  // nearest | unpool | transposed | bilinear; "auto" = the architecture's own: XNet nearest
  // (reference.md), U-Net transposed (Ronneberger 2015), SegNet unpool, DeepLab bilinear.
  std::string upsampling = "auto";
};

void to_json(nlohmann::json& j, const NetworkSpec& spec);
void from_json(const nlohmann::json& j, NetworkSpec& spec);

// Bumped whenever a reader of an older version could misread a newer file.
constexpr int kModelFormatVersion = 1;

struct ModelFile {
  NetworkSpec network;
  int input_size = 200;  // side of the square the network was trained at (reference.md)
  std::vector<std::string> classes{"open_beam", "soft_tissue", "bone"};
  nlohmann::json preprocessing = nlohmann::json::object();
  nlohmann::json calibration = {{"temperature", 1.0}};
  nlohmann::json thresholds = nlohmann::json::object();
  nlohmann::json provenance = nlohmann::json::object();  // created, command, data, epochs, ...
  int format_version = kModelFormatVersion;
};

void to_json(nlohmann::json& j, const ModelFile& meta);
void from_json(const nlohmann::json& j, ModelFile& meta);

// xnet's own records in model.pt, beside the module's parameters (model/model_file.cpp).
constexpr const char* kMagicRecord = "xnet_magic";
constexpr const char* kMagic = "xnet segmentation model";
constexpr const char* kVersionRecord = "xnet_format_version";
constexpr const char* kDescriptionRecord = "xnet_metadata";

// The description from those records as a reader found them (nullptr: absent or of another
// type), with the checks every reader makes; throws Error naming the file.
ModelFile description_from_records(const std::filesystem::path& file, const std::string* magic,
                                   const int64_t* version, const std::string* description);

}  // namespace xnet::engine
