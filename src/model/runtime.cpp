#include "model/runtime.hpp"

#include <utility>
#include <vector>

#include <ATen/Parallel.h>
#include <omp.h>

#include "core/error.hpp"
#include "core/threads.hpp"
#include "model/blocks.hpp"

namespace xnet::model {

void set_intra_op_threads(int threads) {
  // Not torch::set_num_threads: in LibTorch 1.13 every call re-creates caffe2's pthreadpool,
  // whose fresh workers spin ~30 ms each on the cores the network needs, and clears oneDNN's
  // primitive cache. Once called, it is called again by the first parallel loop of every new
  // thread, OpenMP's workers included (at::init_num_threads): four pools, ~0.12 s of spinning
  // for one `xnet predict` of one image. ATen reads its count from OpenMP
  // (at::get_num_threads is omp_get_max_threads, kept per thread), which is all we set.
  at::get_num_threads();  // ATen's lazy per-thread initialisation first: it would undo ours
  omp_set_num_threads(threads);
}

void configure_threads(int threads) {
  const int n = resolve_threads(threads);
  set_intra_op_threads(n);
  // Settable only once per process, before any inter-op work: later calls keep the first.
  static const bool interop_set = [n] {
    try {
      at::set_num_interop_threads(n);
    } catch (const c10::Error&) {
    }
    return true;
  }();
  (void)interop_set;
}

torch::Device select_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  const bool cuda = torch::cuda::is_available();
  if (name == "cuda") {
    if (!cuda) throw Error("--device cuda: no CUDA device is available to this LibTorch (use --device cpu)");
    return torch::kCUDA;
  }
  if (name == "auto") return cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  throw UsageError("unknown device '" + name + "' (auto|cpu|cuda)");
}

namespace {

// A fresh network of the same spec holding copies of net's parameters and buffers.
SegmentationNet copy_network(const SegmentationNetImpl& net) {
  auto copy = make_network(net.spec());
  torch::NoGradGuard no_grad;
  const auto params = net.named_parameters(), buffers = net.named_buffers();
  for (auto& p : copy->named_parameters()) p.value().copy_(params[p.key()]);
  for (auto& b : copy->named_buffers()) b.value().copy_(buffers[b.key()]);
  return copy;
}

}  // namespace

InferenceEngine::InferenceEngine(const SegmentationNetImpl& net, InferenceOptions options)
    : InferenceEngine(copy_network(net), options) {}

InferenceEngine::InferenceEngine(SegmentationNet net, InferenceOptions options)
    : net_(std::move(net)), options_(options) {
  net_->eval();
  for (auto& p : net_->parameters()) p.requires_grad_(false);
  const auto format = options_.channels_last ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
  const auto dtype = options_.bfloat16 ? torch::kBFloat16 : torch::kFloat32;
  std::vector<ConvBlockImpl*> blocks;
  for (const auto& module : net_->modules(false))
    if (auto* block = module->as<ConvBlockImpl>()) blocks.push_back(block);
  // The blocks fold side by side: most of the time goes into first touching the ~290 MB of
  // Winograd weights of XNet-64, which the threads share out (0.40 s on one thread, 0.26 on two).
  // bf16 keeps the blocks that see the image in fp32 (~0.3 % of XNet's work): rounding the
  // image's products to 8 bits of mantissa there alone moved 0.6 % of the default model's
  // labels on hold-out images, against 0.05 % with them in fp32 (issue 20 asks <= 0.1 %).
  const int image_channels = net_->spec().input_channels;
  const auto block_type = [&](std::size_t i) {
    return blocks[i]->options.in == image_channels ? torch::kFloat32 : dtype;
  };
  at::parallel_for(0, static_cast<int64_t>(blocks.size()), 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      blocks[i]->fold_batch_norm(
          torch::TensorOptions().device(options_.device).dtype(block_type(static_cast<std::size_t>(i))), format,
          options_.winograd);
  });
  // The layers without batch norm (heads, transposed convolutions) take the engine's type;
  // each block keeps the type it was folded to.
  std::vector<std::pair<torch::Tensor, torch::Tensor>> folded;
  for (auto* block : blocks) folded.emplace_back(block->conv->weight.data(), block->conv->bias.data());
  net_->to(options_.device, dtype);
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    blocks[i]->conv->weight.set_data(folded[i].first);
    blocks[i]->conv->bias.set_data(folded[i].second);
  }
  if (options_.bfloat16) {
    // The head (a 1x1 convolution, ~1 % of the work) in fp32: logits unrounded. Transposed
    // convolutions too: LibTorch 1.13's bf16 one gave outputs of the wrong size.
    for (const auto& child : net_->named_children())
      if (child.key() == "head") child.value()->to(options_.device, torch::kFloat32);
    for (const auto& module : net_->modules(false))
      if (module->as<torch::nn::ConvTranspose2dImpl>()) module->to(options_.device, torch::kFloat32);
  }
  if (options_.channels_last) {
    for (auto& p : net_->parameters())
      if (p.dim() == 4) p.set_data(p.contiguous(format));
  }
}

torch::Tensor InferenceEngine::logits(torch::Tensor batch) {
  torch::InferenceMode inference;
  auto x = batch.to(options_.device, torch::kFloat32);  // the first block casts it to its weights' type
  if (options_.channels_last) x = x.contiguous(torch::MemoryFormat::ChannelsLast);
  return net_->forward(x).to(torch::kCPU, torch::kFloat32).contiguous();
}

}  // namespace xnet::model
