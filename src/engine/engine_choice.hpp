#pragma once
// Which engine runs a model, in which precision, decided in one place from the model, the
// device asked for, the number of images and the CPU. predict, evaluate, calibrate and bench
// all ask here, and the `xnet` launcher hands a run to xnet-torch when the answer is LibTorch.
#include <cstddef>
#include <string>

#include "engine/model_description.hpp"

namespace xnet::engine {

// What this CPU runs natively, as oneDNN sees it (its DNNL_MAX_CPU_ISA / ONEDNN_MAX_CPU_ISA
// environment caps it, which is also how to try the AVX2 path on a newer CPU).
struct CpuFeatures {
  bool avx2 = false;
  bool avx512 = false;       // avx512_core
  bool avx512_bf16 = false;  // Cooper Lake, Zen 4 and later
  bool amx = false;          // AMX-BF16 tiles (Sapphire Rapids and later)
  std::string model_name;    // /proc/cpuinfo's "model name"
  bool native_bf16() const { return avx512_bf16 || amx; }
  // The best of these the CPU has: "amx", "avx512_bf16", "avx512", "avx2" or "sse41".
  std::string isa() const;
};

// This machine's, read once.
const CpuFeatures& cpu_features();

enum class EngineKind { onednn, libtorch };
enum class Precision { fp32, bf16 };
std::string to_string(EngineKind engine);
std::string to_string(Precision precision);

struct EngineRequest {
  std::string engine = "auto";     // auto | onednn | libtorch
  std::string precision = "auto";  // auto | fp32 | bf16
  std::string device = "auto";     // auto | cpu | cuda
  std::size_t images = 0;          // images the run will segment (0 = many)
  // Whether the program's LibTorch has a GPU; a program without LibTorch says whether one
  // built with CUDA could (then "auto" is LibTorch's to resolve).
  bool cuda_available = false;
  // Whether LibTorch is started already (a command of xnet-torch): running on it costs nothing.
  bool libtorch_loaded = false;
};

struct EngineChoice {
  EngineKind engine = EngineKind::onednn;
  Precision precision = Precision::fp32;
  std::string device = "cpu";  // cpu | cuda | auto (LibTorch decides)
  // LibTorch's Winograd weights for the deep 3x3 layers (model/winograd.hpp).
  bool winograd = false;
  std::string reason;  // why this engine, for --verbose and bench
  // "oneDNN fp32" / "LibTorch bf16 (cpu)": what predict's summary prints.
  std::string describe() const;
};

// The one decision. Throws UsageError when the request cannot be met (--engine onednn for a
// network oneDNN does not run, --precision bf16 on a GPU run oneDNN was asked for, ...).
//   precision auto: bf16 on a CPU with native bf16 (XNet-64: 1.66x faster than fp32 on an EPYC
//     with AVX512-BF16, masks agreeing on 99.95 % of pixels: README) where LibTorch runs anyway
//     (many images, a network oneDNN does not run, --engine libtorch, or a program that links
//     it); else fp32 (bf16 emulated on AVX2 ran 6.4x slower, and for a few images LibTorch's
//     start costs more than bf16 saves);
//   engine auto: a GPU run and bf16 run on LibTorch; fp32 on the CPU runs on oneDNN (no
//     LibTorch start, ~0.7 s) unless the network is not one it runs or the run has so many
//     images (kManyImages) that LibTorch's Winograd layers pay that start back.
EngineChoice choose_engine(const engine::ModelFile& model, const EngineRequest& request, const CpuFeatures& cpu);

// From this many images on, LibTorch's Winograd convolutions (~20 % faster per image once
// prepared) pay back its start: measured equal at 16 images of 1500^2 with XNet-64 on 2 cores.
constexpr std::size_t kManyImages = 16;
// Preparing the Winograd weights costs ~0.27 s and saves ~0.08 s an image (XNet-64, 2
// threads): from this many images on.
constexpr std::size_t kWinogradImages = 4;

}  // namespace xnet::engine
