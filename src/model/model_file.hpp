#pragma once
// model.pt: one self-describing file (contract.md): the network's spec and weights, its
// classes, input size, preprocessing, calibration, thresholds and provenance.
#include <filesystem>
#include <functional>

#include "engine/model_description.hpp"
#include "model/network.hpp"

namespace xnet::model {

// Writes meta and the network's parameters and buffers atomically to path.
void save_model(const std::filesystem::path& path, const engine::ModelFile& meta, SegmentationNetImpl& net);

struct LoadedModel {
  engine::ModelFile meta;
  SegmentationNet net;  // in eval mode, on the CPU
};

// Loads path, lets `change` edit its description and saves it back atomically, weights unchanged.
void update_model(const std::filesystem::path& path, const std::function<void(engine::ModelFile&)>& change);

// Throws xnet::Error naming the file when it is missing, not an xnet model, truncated, of a
// newer format or inconsistent with its own description.
LoadedModel load_model(const std::filesystem::path& path);

}  // namespace xnet::model
