#pragma once
// The LibTorch engine behind the Segmenter: every architecture of the zoo, on the CPU or CUDA.
#include <filesystem>
#include <memory>

#include "engine/logits_engine.hpp"

namespace xnet::model {

// An engine::EngineFactory: load_model, then an InferenceEngine (batch norm folded; Winograd
// weights only when options.expected_images makes them pay back).
std::unique_ptr<engine::LogitsEngine> torch_engine(const std::filesystem::path& model_file,
                                                   const engine::EngineOptions& options);

}  // namespace xnet::model
