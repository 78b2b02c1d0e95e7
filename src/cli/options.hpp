#pragma once
// Options shared by several commands, declared once so every command spells them the same way.
#include <string>

#include <CLI/CLI.hpp>

namespace xnet::cli {

// --threads T (default 0 = all cores; Debian's LibTorch would otherwise use one).
void add_threads_option(CLI::App& cmd, int& threads);
// --device auto|cpu|cuda.
void add_device_option(CLI::App& cmd, std::string& device);

}  // namespace xnet::cli
