#pragma once
// The options `xnet train` and `xnet cv` share, declared once so both spell them the same way.
#include <CLI/CLI.hpp>

#include "train/train_options.hpp"

namespace xnet::cli {

// Adds every training option bound to `o` (which must outlive parsing: CLI11 keeps pointers).
// `augment` receives "on|off"; call apply_training_options after parsing.
void add_training_options(CLI::App& cmd, TrainOptions& o, std::string& augment);
void apply_training_options(TrainOptions& o, const std::string& augment);

}  // namespace xnet::cli
