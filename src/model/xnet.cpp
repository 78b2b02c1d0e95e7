#include "model/xnet.hpp"

#include "core/error.hpp"

namespace xnet::model {

XNetImpl::XNetImpl(const NetworkSpec& s) : SegmentationNetImpl(s) {
  const auto& spec = this->spec();
  if (spec.depth != 4) throw UsageError("xnet has a fixed depth of 4 levels (reference.md), got " + std::to_string(spec.depth));
  // Filters (64, 128, 256, 512) by default (reference.md).
  const int f0 = spec.base_filters, f1 = 2 * f0, f2 = 4 * f0, f3 = 8 * f0, k = spec.kernel_size;
  const auto& up = spec.upsampling;
  auto block = [&](const char* name, int in, int out) {
    return register_module(name, ConvBlock(ConvBlockOptions{in, out, k}));
  };
  auto up_step = [&](const char* name, int in, int out) {
    return register_module(name, UpStep(up, in, out, k));
  };
  c1 = block("c1", spec.input_channels, f0);
  c2 = block("c2", f0, f1);
  c3 = block("c3", f1, f2);
  c4 = block("c4", f2, f3);
  c5 = block("c5", f3, f3);
  u6 = up_step("u6", f3, f2);
  u7 = up_step("u7", 2 * f2, f1);
  c8 = block("c8", 2 * f1, f1);
  c9 = block("c9", f1, f2);
  c10 = block("c10", f2, f3);
  c11 = block("c11", f3, f3);
  u12 = up_step("u12", f3, f2);
  u13 = up_step("u13", 2 * f2, f1);
  u14 = up_step("u14", 2 * f1, f0);
  head = register_module("head", torch::nn::Conv2d(torch::nn::Conv2dOptions(2 * f0, spec.classes, 1)));
}

torch::Tensor XNetImpl::forward_aligned(torch::Tensor x) {
  // The layer sequence of reference.md (P = pool, u = C(U .), [x, y] = torch::cat).
  const auto a1 = c1(x);
  const auto a2 = c2(pool(a1));
  const auto a3 = c3(pool(a2));
  const auto a5 = c5(c4(pool(a3)));
  const auto c6 = torch::cat({a3, u6(a5)}, 1);
  const auto c7 = torch::cat({a2, u7(c6)}, 1);
  const auto a8 = c8(c7);
  const auto a9 = c9(pool(a8));
  const auto a11 = c11(c10(pool(a9)));
  const auto c12 = torch::cat({a9, u12(a11)}, 1);
  const auto c13 = torch::cat({a8, u13(c12)}, 1);
  const auto c14 = torch::cat({a1, u14(c13)}, 1);
  return counted_conv(head, c14);
}

std::vector<torch::Tensor> XNetImpl::encoder_parameters() {
  // The first feature-extraction stage: a1 .. a5.
  std::vector<torch::Tensor> params;
  for (const auto& block : {c1, c2, c3, c4, c5})
    for (const auto& p : block->parameters()) params.push_back(p);
  return params;
}

}  // namespace xnet::model
