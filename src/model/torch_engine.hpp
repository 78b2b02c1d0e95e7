#pragma once
// The LibTorch engine behind the Segmenter: every architecture of the zoo, on the CPU or CUDA,
// in fp32 or bf16.
#include <filesystem>
#include <memory>

#include "engine/logits_engine.hpp"

namespace xnet::model {

// An engine::EngineFactory: load_model, then an InferenceEngine in the choice's device and
// precision (batch norm folded; Winograd weights where the choice says they pay back).
std::unique_ptr<engine::LogitsEngine> torch_engine(const std::filesystem::path& model_file,
                                                   const engine::EngineOptions& options,
                                                   const engine::EngineChoice& choice);

// Makes this engine the program's LibTorch engine (engine::provide_libtorch).
void provide_torch_engine();

}  // namespace xnet::model
