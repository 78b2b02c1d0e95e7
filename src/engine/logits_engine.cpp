#include "engine/logits_engine.hpp"

#include <atomic>

#include "core/error.hpp"

namespace xnet::engine {
namespace {
std::atomic<EngineFactory> program_engine{nullptr};
std::atomic<EnginePreflight> program_preflight{nullptr};
}  // namespace

void set_default_engine(EngineFactory factory, EnginePreflight preflight) {
  program_engine = factory;
  program_preflight = preflight;
}

void preflight_default_engine(const std::filesystem::path& model_file, const EngineOptions& options) {
  if (const auto preflight = program_preflight.load()) preflight(model_file, options);
}

EngineFactory default_engine() {
  const auto factory = program_engine.load();
  if (!factory) throw Error("no network engine was set for this program (engine::set_default_engine)");
  return factory;
}

}  // namespace xnet::engine
