#include "engine/logits_engine.hpp"

#include <atomic>

#include "core/error.hpp"

namespace xnet::engine {
namespace {
std::atomic<EngineFactory> program_engine{nullptr};
}  // namespace

void set_default_engine(EngineFactory factory) { program_engine = factory; }

EngineFactory default_engine() {
  const auto factory = program_engine.load();
  if (!factory) throw Error("no network engine was set for this program (engine::set_default_engine)");
  return factory;
}

}  // namespace xnet::engine
