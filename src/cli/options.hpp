#pragma once
// Options shared by several commands, declared once so every command spells them the same way.
#include <string>

#include <CLI/CLI.hpp>

namespace xnet::cli {

// --threads T (default 0 = all cores; Debian's LibTorch would otherwise use one).
void add_threads_option(CLI::App& cmd, int& threads);
// --device auto|cpu|cuda.
void add_device_option(CLI::App& cmd, std::string& device);

// --engine and --precision (engine/engine_choice.hpp says what auto chooses).
void add_engine_options(CLI::App& cmd, std::string& engine, std::string& precision);

}  // namespace xnet::cli
