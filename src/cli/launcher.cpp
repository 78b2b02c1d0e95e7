// xnet: the command-line program users run. `xnet predict` of an XNet on the CPU runs here on
// oneDNN (engine/xnet_onednn.hpp), without loading LibTorch, whose start alone costs ~0.7 s
// on 2 cores; every other command, and predict of any other model or device, is handed to
// xnet-torch (main.cpp) beside this executable, with the same arguments.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "cli/commands.hpp"
#include "cli/program.hpp"
#include "engine/model_archive.hpp"
#include "engine/xnet_onednn.hpp"

namespace {

[[noreturn]] void hand_to_torch_program(char** argv) {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  const auto program = (error ? std::filesystem::path(argv[0]) : self).parent_path() / "xnet-torch";
  execv(program.c_str(), argv);
  std::fprintf(stderr, "xnet: error: cannot run %s: %s (it is built beside xnet)\n", program.c_str(),
               std::strerror(errno));
  std::_Exit(1);
}

// The device the command line asks for ("auto" when not given).
std::string requested_device(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--device" && i + 1 < argc) return argv[i + 1];
    if (arg.rfind("--device=", 0) == 0) return arg.substr(9);
  }
  return "auto";
}

// From this many images on, LibTorch's Winograd convolutions (model/winograd.hpp), ~20 % faster
// per image once prepared, pay back LibTorch's start: measured equal at 16 images of 1500^2
// with XNet-64 on 2 cores (README, predict).
constexpr std::size_t kManyImages = 16;

// Before any image is read: the model's description (data.pkl, a few kB) and the image count.
void onednn_preflight(const std::filesystem::path& model_file, const xnet::engine::EngineOptions& options) {
  if (options.expected_images >= kManyImages)
    throw xnet::engine::ArchiveError("many images: LibTorch's Winograd path is faster");
  const auto why = xnet::engine::xnet_onednn_unsupported(xnet::engine::ModelArchive(model_file).description());
  if (!why.empty()) throw xnet::engine::ArchiveError(why);
}

bool runs_here(int argc, char** argv) {
  int command = 1;  // the program's own flag may come first
  while (command < argc && std::string(argv[command]) == "--verbose") ++command;
  if (command >= argc || std::string(argv[command]) != "predict") return false;
  const auto device = requested_device(argc, argv);
#ifdef XNET_TORCH_HAS_CUDA
  return device == "cpu";  // auto may find a GPU: LibTorch's to decide
#else
  return device != "cuda";
#endif
}

}  // namespace

int main(int argc, char** argv) {
  using namespace xnet;
  if (!runs_here(argc, argv)) hand_to_torch_program(argv);
  cli::keep_freed_memory();
  engine::set_default_engine(&engine::xnet_onednn_engine, &onednn_preflight);
  // A model this engine does not run (another architecture, filter counts off the CPU's
  // channel block, an archive it cannot read), or a large batch, is refused by the preflight
  // before any image is read, or else while loading, still before anything is written.
  const auto not_for_onednn = [](const std::exception& e) { return dynamic_cast<const engine::ArchiveError*>(&e) != nullptr; };
  try {
    cli::end_program(cli::run_program(argc, argv, [](CLI::App& app) { cli::add_predict_command(app); }, not_for_onednn));
  } catch (const engine::ArchiveError&) {
    hand_to_torch_program(argv);
  }
}
