#pragma once
// model.pt: one self-describing file (contract.md): the network's spec and weights, its
// classes, input size, preprocessing, calibration, thresholds and provenance.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/network.hpp"

namespace xnet::model {

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

// Writes meta and the network's parameters and buffers atomically to path.
void save_model(const std::filesystem::path& path, const ModelFile& meta, SegmentationNetImpl& net);

struct LoadedModel {
  ModelFile meta;
  SegmentationNet net;  // in eval mode, on the CPU
};

// Throws xnet::Error naming the file when it is missing, not an xnet model, truncated, of a
// newer format or inconsistent with its own description.
LoadedModel load_model(const std::filesystem::path& path);

}  // namespace xnet::model
