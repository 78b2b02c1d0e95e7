// xnet: the command-line program users run. `xnet predict` runs here when the engine choice
// (engine/engine_choice.hpp) is oneDNN, without loading LibTorch, whose start alone costs
// ~0.7 s on 2 cores; every other command, and a predict whose choice is LibTorch (another
// architecture, bf16, a GPU, many images), is handed to xnet-torch (main.cpp) beside this
// executable, with the same arguments.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "cli/commands.hpp"
#include "cli/program.hpp"
#include "engine/logits_engine.hpp"

namespace {

char** program_arguments = nullptr;

[[noreturn]] void hand_to_torch_program() {
  char** argv = program_arguments;
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  const auto program = (error ? std::filesystem::path(argv[0]) : self).parent_path() / "xnet-torch";
  std::fflush(nullptr);
  execv(program.c_str(), argv);
  std::fprintf(stderr, "xnet: error: cannot run %s: %s (it is built beside xnet)\n", program.c_str(),
               std::strerror(errno));
  std::_Exit(1);
}

// Only predict is declared here; the program's own flag may come before the command.
bool is_predict(int argc, char** argv) {
  int command = 1;
  while (command < argc && std::string(argv[command]) == "--verbose") ++command;
  return command < argc && std::string(argv[command]) == "predict";
}

#ifdef XNET_TORCH_HAS_CUDA
constexpr bool kTorchMayHaveCuda = true;  // --device auto may find a GPU: LibTorch's to resolve
#else
constexpr bool kTorchMayHaveCuda = false;
#endif

}  // namespace

int main(int argc, char** argv) {
  using namespace xnet;
  program_arguments = argv;
  if (!is_predict(argc, argv)) hand_to_torch_program();
  cli::keep_freed_memory();
  // predict's engine plan, made before any image is read, hands the run over when it is LibTorch's.
  engine::provide_hand_off(&hand_to_torch_program, kTorchMayHaveCuda);
  cli::end_program(cli::run_program(argc, argv, [](CLI::App& app) { cli::add_predict_command(app); }));
}
