#include "engine/logits_engine.hpp"

#include <atomic>

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "engine/model_archive.hpp"
#include "engine/onednn_network.hpp"

namespace xnet::engine {
namespace {

std::atomic<EngineFactory> libtorch_factory{nullptr};
std::atomic<bool (*)()> libtorch_cuda{nullptr};
std::atomic<void (*)()> hand_off_run{nullptr};
std::atomic<bool> hand_off_cuda{false};

bool cuda_available() {
  if (const auto probe = libtorch_cuda.load()) return probe();
  return hand_off_cuda.load();
}

// LibTorch's factory where this program has it; else the run is handed to one with it (never
// returns), or, with neither, an Error.
EngineFactory libtorch_or_hand_off(const std::string& why) {
  if (const auto factory = libtorch_factory.load()) return factory;
  if (const auto hand_off = hand_off_run.load()) hand_off();
  throw Error("this run needs LibTorch (" + why + "), which this program does not link");
}

}  // namespace

void provide_libtorch(EngineFactory factory, bool (*cuda)()) {
  libtorch_factory = factory;
  libtorch_cuda = cuda;
}

void provide_hand_off(void (*hand_off)(), bool cuda_possible) {
  hand_off_run = hand_off;
  hand_off_cuda = cuda_possible;
}

EngineChoice plan_engine(const std::filesystem::path& model_file, const EngineOptions& options) {
  const EngineRequest request{options.engine, options.precision, options.device, options.expected_images,
                              cuda_available(), options.libtorch_started.value_or(libtorch_factory.load() != nullptr)};
  EngineChoice choice;
  try {
    choice = choose_engine(ModelArchive(model_file).description(), request, cpu_features());
  } catch (const ArchiveError& e) {
    // An archive this reader does not follow may still be LibTorch's to read (or to explain).
    if (options.engine == "onednn") throw UsageError(std::string("--engine onednn: ") + e.what());
    choice.engine = EngineKind::libtorch;
    choice.device = options.device;
    choice.precision = options.precision == "bf16" ? Precision::bf16 : Precision::fp32;
    choice.reason = e.what();
  }
  if (choice.engine == EngineKind::libtorch) libtorch_or_hand_off(choice.reason);
  if (choice.precision == Precision::bf16 && choice.device == "cpu" && !cpu_features().native_bf16())
    spdlog::warn("--precision bf16 on a CPU without native bf16 ({}): emulated, several times slower than fp32",
                 cpu_features().isa());
  spdlog::debug("engine: {} ({})", choice.describe(), choice.reason);
  return choice;
}

std::unique_ptr<LogitsEngine> open_engine(const std::filesystem::path& model_file, const EngineOptions& options) {
  auto choice = plan_engine(model_file, options);
  if (choice.engine == EngineKind::onednn) {
    try {
      return onednn_engine(model_file, options, choice);
    } catch (const ArchiveError& e) {
      // Weights the description did not show it cannot take, or no oneDNN kernel for them
      // on this CPU: LibTorch's to run, unless oneDNN was asked for.
      if (options.engine == "onednn") throw;
      choice.engine = EngineKind::libtorch;
      choice.reason = e.what();
    }
  }
  return libtorch_or_hand_off(choice.reason)(model_file, options, choice);
}

}  // namespace xnet::engine
