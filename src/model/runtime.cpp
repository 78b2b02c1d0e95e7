#include "model/runtime.hpp"

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
  at::parallel_for(0, static_cast<int64_t>(blocks.size()), 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      blocks[i]->fold_batch_norm(torch::TensorOptions().device(options_.device).dtype(dtype), format,
                                 options_.winograd);
  });
  net_->to(options_.device, dtype);  // the layers without batch norm (heads, transposed)
  if (options_.channels_last) {
    for (auto& p : net_->parameters())
      if (p.dim() == 4) p.set_data(p.contiguous(format));
  }
}

torch::Tensor InferenceEngine::logits(torch::Tensor batch) {
  torch::InferenceMode inference;
  auto x = batch.to(options_.device, options_.bfloat16 ? torch::kBFloat16 : torch::kFloat32);
  if (options_.channels_last) x = x.contiguous(torch::MemoryFormat::ChannelsLast);
  return net_->forward(x).to(torch::kCPU, torch::kFloat32).contiguous();
}

}  // namespace xnet::model
