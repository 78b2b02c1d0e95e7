#pragma once
// What both executables do around their commands (contract.md): parse, run one subcommand,
// turn every failure into one line on stderr (exit 1 for errors, 2 for usage errors).
#include <functional>

#include <CLI/CLI.hpp>

namespace xnet::cli {

// Freed memory stays with the process instead of going back to the kernel (see program.cpp).
void keep_freed_memory();

// Parses argv with the commands add_commands declares and runs the chosen one; returns the
// exit status.
int run_program(int argc, char** argv, const std::function<void(CLI::App&)>& add_commands);

// Flushes and ends the process without static destructors (see program.cpp).
[[noreturn]] void end_program(int code);

}  // namespace xnet::cli
