#pragma once
// Where and how fast a network runs: threads, device, and the inference-only fast path.
#include <string>

#include <torch/torch.h>

#include "model/network.hpp"

namespace xnet::model {

// Intra-op threads of the calling thread (0 = all cores; Debian's LibTorch otherwise uses one)
// and, once per process, as many inter-op threads. Another thread that runs the network sets
// its own with set_intra_op_threads.
void configure_threads(int threads);

// Threads the network uses when it runs on the calling thread (OpenMP keeps the setting per
// thread: a batch segments several images side by side, one thread each).
void set_intra_op_threads(int threads);

// "auto" (CUDA when available, else CPU), "cpu" or "cuda" (an Error when unavailable).
torch::Device select_device(const std::string& name);

struct InferenceOptions {
  torch::Device device = torch::kCPU;
  // Activations and weights in NHWC. Off by default: with Debian's LibTorch 1.13 (oneDNN 2.6,
  // AVX2) NHWC convolutions measured 1.3-2.7x slower than NCHW on these layers.
  bool channels_last = false;
  // bf16 activations and weights; float32 logits. Off by default: see README figures.
  bool bfloat16 = false;
  // Winograd weights for the deep 3x3 layers (winograd.hpp): ~1.3x faster inference for a
  // one-off cost (0.27 s and ~290 MB for XNet-64) that only pays over a few images.
  bool winograd = true;
};

// An inference-only copy of a network: batch norm folded into the convolutions, eval mode,
// no autograd, the chosen memory layout. Gives the argmax of net->eval() (tested).
class InferenceEngine {
 public:
  InferenceEngine(const SegmentationNetImpl& net, InferenceOptions options = {});
  // Takes `net` over and folds it in place (no copy: a loaded model that nothing else uses).
  InferenceEngine(SegmentationNet net, InferenceOptions options);
  // N x C x H x W float -> N x classes x H x W float32 logits on the CPU.
  torch::Tensor logits(torch::Tensor batch);
  const SegmentationNetImpl& network() const { return *net_; }

 private:
  SegmentationNet net_;
  InferenceOptions options_;
};

}  // namespace xnet::model
