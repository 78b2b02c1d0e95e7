#include "engine/engine_choice.hpp"

#include <fstream>

#include <oneapi/dnnl/dnnl.hpp>

#include "core/error.hpp"
#include "engine/onednn_network.hpp"

namespace xnet::engine {
namespace {

// cpu_isa values are bit sets (AVX2-VNNI's is numerically above AVX-512's): test the bits.
bool has(dnnl::cpu_isa effective, dnnl::cpu_isa wanted) {
  const auto bits = static_cast<unsigned>(wanted);
  return (static_cast<unsigned>(effective) & bits) == bits;
}

std::string cpu_model_name() {
  std::ifstream info("/proc/cpuinfo");
  const std::string key = "model name";
  for (std::string line; std::getline(info, line);)
    if (line.rfind(key, 0) == 0) {
      const auto colon = line.find(':');
      if (colon == std::string::npos) break;
      const auto start = line.find_first_not_of(' ', colon + 1);
      return start == std::string::npos ? std::string() : line.substr(start);
    }
  return "unknown CPU";
}

CpuFeatures read_cpu_features() {
  const auto isa = dnnl::get_effective_cpu_isa();
  CpuFeatures cpu;
  cpu.avx2 = has(isa, dnnl::cpu_isa::avx2);
  cpu.avx512 = has(isa, dnnl::cpu_isa::avx512_core);
  cpu.avx512_bf16 = has(isa, dnnl::cpu_isa::avx512_core_bf16);
  cpu.amx = has(isa, dnnl::cpu_isa::avx512_core_amx);
  cpu.model_name = cpu_model_name();
  return cpu;
}

void check_member(const std::string& option, const std::string& value, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed)
    if (value == a) return;
  std::string list;
  for (const char* a : allowed) list += (list.empty() ? "" : "|") + std::string(a);
  throw UsageError(option + " " + value + ": expected " + list);
}

}  // namespace

std::string CpuFeatures::isa() const {
  if (amx) return "amx";
  if (avx512_bf16) return "avx512_bf16";
  if (avx512) return "avx512";
  if (avx2) return "avx2";
  return "sse41";
}

const CpuFeatures& cpu_features() {
  static const CpuFeatures cpu = read_cpu_features();
  return cpu;
}

std::string to_string(EngineKind engine) { return engine == EngineKind::onednn ? "oneDNN" : "LibTorch"; }
std::string to_string(Precision precision) { return precision == Precision::bf16 ? "bf16" : "fp32"; }

std::string EngineChoice::describe() const {
  std::string text = to_string(engine) + " " + to_string(precision);
  if (engine == EngineKind::libtorch) text += " (" + device + (winograd ? ", Winograd" : "") + ")";
  return text;
}

EngineChoice choose_engine(const engine::ModelFile& model, const EngineRequest& request, const CpuFeatures& cpu) {
  check_member("--engine", request.engine, {"auto", "onednn", "libtorch"});
  check_member("--precision", request.precision, {"auto", "fp32", "bf16"});
  check_member("--device", request.device, {"auto", "cpu", "cuda"});
  const bool gpu = request.device == "cuda" || (request.device == "auto" && request.cuda_available);
  EngineChoice choice;
  const auto onednn_gap = onednn_unsupported(model);
  const bool many = request.images == 0 || request.images >= kManyImages;
  // bf16 is LibTorch's: on the CPU it pays where LibTorch runs anyway (many images, a network
  // oneDNN does not run, LibTorch asked for or already in the program), not for a few images
  // it would have to start for (~0.7 s against ~0.08 s saved an image, XNet-64 at 200^2).
  const bool libtorch_anyway = many || !onednn_gap.empty() || request.engine == "libtorch" || request.libtorch_loaded;
  if (request.precision == "auto")
    choice.precision = !gpu && cpu.native_bf16() && libtorch_anyway && request.engine != "onednn" ? Precision::bf16
                                                                                                 : Precision::fp32;
  else
    choice.precision = request.precision == "bf16" ? Precision::bf16 : Precision::fp32;
  const std::string precision_why =
      request.precision != "auto"  ? "as asked"
      : gpu                        ? "on the GPU"
      : !cpu.native_bf16()         ? "no native bf16 on this CPU (" + cpu.isa() + ")"
      : request.engine == "onednn" ? "oneDNN runs fp32"
      : !libtorch_anyway           ? "bf16 would start LibTorch for " + std::to_string(request.images) + " image(s)"
                                   : "the CPU has native bf16 (" + cpu.isa() + ")";
  if (gpu) {
    if (request.engine == "onednn")
      throw UsageError("--engine onednn runs on the CPU only (add --device cpu)");
    choice.engine = EngineKind::libtorch;
    choice.device = request.device;  // auto: a program without LibTorch cannot tell
    choice.reason = "the network runs on the GPU (LibTorch); " + to_string(choice.precision) + ": " + precision_why;
    return choice;
  }
  choice.device = "cpu";
  if (request.engine == "onednn") {
    if (!onednn_gap.empty()) throw UsageError("--engine onednn does not run this model: " + onednn_gap);
    if (choice.precision == Precision::bf16)
      throw UsageError("--engine onednn runs fp32 only (add --precision fp32, or --engine libtorch for bf16)");
    choice.engine = EngineKind::onednn;
    choice.reason = "as asked (--engine onednn)";
    return choice;
  }
  if (request.engine == "libtorch") {
    choice.engine = EngineKind::libtorch;
    choice.reason = "as asked (--engine libtorch)";
  } else if (choice.precision == Precision::bf16) {
    choice.engine = EngineKind::libtorch;
    choice.reason = "bf16 runs on LibTorch (" + precision_why + ")";
  } else if (!onednn_gap.empty()) {
    choice.engine = EngineKind::libtorch;
    choice.reason = "oneDNN does not run " + onednn_gap;
  } else if (many) {
    choice.engine = EngineKind::libtorch;
    choice.reason = (request.images ? std::to_string(request.images) : std::string("many")) +
                    " images: LibTorch's Winograd layers pay back its start";
  } else {
    choice.engine = EngineKind::onednn;
    choice.reason = "few images (" + std::to_string(request.images) + "): oneDNN starts without LibTorch; fp32: " +
                    precision_why;
  }
  choice.winograd = choice.engine == EngineKind::libtorch && choice.precision == Precision::fp32 &&
                    (request.images == 0 || request.images >= kWinogradImages);
  return choice;
}

}  // namespace xnet::engine
