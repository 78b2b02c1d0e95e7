#pragma once
// A network's inference on oneDNN directly, for `xnet predict` on the CPU: planned, allocated
// and run from the network's layer table (engine/network_layers), the table LibTorch trains,
// with batch norm folded and nearest upsampling as four phase convolutions; weights read from
// model.pt by engine/model_archive; activations in oneDNN's blocked layout from the first
// layer to the head. A process that only predicts thus never loads LibTorch, whose start
// alone costs ~0.7 s on 2 cores (README, predict).
#include <filesystem>
#include <memory>
#include <string>

#include "engine/logits_engine.hpp"
#include "engine/model_archive.hpp"

namespace xnet::engine {

// Channels per block of oneDNN's native layout on this CPU: 16 with AVX-512, else 8.
int onednn_channel_block();

// Empty when this engine runs the model's network on this CPU, else why not: an architecture
// without a layer table (SegNet, DeepLab), more than one input channel, or filter counts that
// are not a multiple of onednn_channel_block().
std::string onednn_unsupported(const engine::ModelFile& model);

// Throws ArchiveError when the archive or its network is one this engine does not run
// (weights that do not match the description included, a precision other than fp32).
// `choice` is what the engine reports it runs (engine_choice.hpp).
std::unique_ptr<LogitsEngine> open_onednn(const ModelArchive& archive, const EngineOptions& options,
                                          const EngineChoice& choice = {});

// An EngineFactory: the archive opened, then open_onednn.
std::unique_ptr<LogitsEngine> onednn_engine(const std::filesystem::path& model_file, const EngineOptions& options,
                                            const EngineChoice& choice = {});

}  // namespace xnet::engine
