#include "model/blocks.hpp"

#include "core/error.hpp"
#include "engine/network_layers.hpp"

namespace xnet::model {
namespace {

thread_local FlopCounter* active_counter = nullptr;

}  // namespace

torch::Tensor phase_weight(const torch::Tensor& w) {
  const int kernel = static_cast<int>(w.size(-1)), taps = engine::phase_taps(kernel);
  const int64_t out = w.size(0), in = w.size(1);
  // All four phases as one GEMM over the flattened kernels (four einsums took ~0.14 s of every
  // predict's start); autograd runs through it when training, keeping the matrix (a tensor of
  // its own, not a view of the vector) for the backward pass.
  const auto combine =
      torch::tensor(engine::phase_tap_matrix(kernel)).view({4 * taps * taps, kernel * kernel}).to(w.options());
  const auto phases = torch::matmul(w.reshape({out * in, kernel * kernel}), combine.t());
  return phases.view({out, in, 4, taps, taps}).permute({2, 0, 1, 3, 4}).reshape({4 * out, in, taps, taps});
}

namespace {

// Interleaves the phase outputs of `stacked` (N x 4C x H' x W') into N x C x 2H x 2W (phase a
// of row i sits at row i + phase_offset(a) of the stacked output). Done in the tensor's
// physical layout, so a channels-last input gives a channels-last output in one copy.
torch::Tensor interleave_phases(const torch::Tensor& stacked, int64_t height, int64_t width,
                                int kernel) {
  const int64_t n = stacked.size(0), c = stacked.size(1) / 4;
  const bool channels_last = stacked.is_contiguous(torch::MemoryFormat::ChannelsLast) &&
                             !stacked.is_contiguous();
  // View as N x H' x W' x 4C when channels-last, so the slices stay cheap.
  const auto view = channels_last ? stacked.permute({0, 2, 3, 1}) : stacked;
  const int ch = channels_last ? 3 : 1, row = channels_last ? 1 : 2, col = row + 1;
  auto phase = [&](int a, int b) {
    const int64_t p = 2 * a + b;
    return view.narrow(ch, p * c, c)
        .narrow(row, engine::phase_offset(a, kernel), height)
        .narrow(col, engine::phase_offset(b, kernel), width);
  };
  // channels-last: stack b after W, a after H -> N x H x 2 x W x 2 x C.
  // NCHW:          stack b at the end, a after H -> N x C x H x 2 x W x 2.
  std::vector<torch::Tensor> rows_of_phase;
  for (int a : {0, 1}) rows_of_phase.push_back(torch::stack({phase(a, 0), phase(a, 1)}, col + 1));
  const auto joined = torch::stack(rows_of_phase, row + 1);
  if (channels_last) return joined.reshape({n, 2 * height, 2 * width, c}).permute({0, 3, 1, 2});
  return joined.reshape({n, c, 2 * height, 2 * width});
}

// Shape-only convolution for gflop_per_image (LibTorch 1.13 has no meta convolution kernel
// in C++): every convolution here keeps the size (same padding, stride 1).
torch::Tensor meta_conv(const torch::Tensor& x, const torch::Tensor& weight) {
  return torch::empty({x.size(0), weight.size(0), x.size(2), x.size(3)}, x.options());
}

double conv_flops(int64_t in, int64_t out, int64_t kernel_area, const torch::Tensor& output) {
  return 2.0 * in * out * kernel_area * output.size(0) * output.size(2) * output.size(3);
}

}  // namespace

ConvBlockImpl::ConvBlockImpl(const ConvBlockOptions& opts) : options(opts) {
  if (opts.kernel % 2 == 0) throw UsageError("kernel size must be odd (same padding), got " + std::to_string(opts.kernel));
  if (opts.nearest_upsampled_input && opts.dilation != 1)
    throw UsageError("a convolution of an upsampled input cannot be dilated");
  conv = register_module(
      "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(opts.in, opts.out, opts.kernel)
                                    .padding(opts.dilation * (opts.kernel / 2))
                                    .dilation(opts.dilation)));
  norm = register_module("norm", torch::nn::BatchNorm2d(opts.out));
}

torch::Tensor ConvBlockImpl::conv_of_upsampled(const torch::Tensor& x, const torch::Tensor& weight,
                                               const torch::Tensor& bias, bool relu) {
  auto stacked = torch::conv2d(x, weight, bias, 1, engine::phase_padding(options.kernel));
  if (relu) stacked = torch::relu_(stacked);  // before interleaving: same result, one pass
  return interleave_phases(stacked, x.size(2), x.size(3), options.kernel);
}

torch::Tensor ConvBlockImpl::forward(torch::Tensor x) {
  // A bf16 inference keeps its first block in fp32 (runtime.cpp): each block computes in its
  // weights' precision.
  if (!x.is_meta() && x.scalar_type() != conv->weight.scalar_type()) x = x.to(conv->weight.scalar_type());
  torch::Tensor y;
  const bool upsampled = options.nearest_upsampled_input;
  const bool winograd = folded_ && winograd_.defined() && !x.is_meta() &&
                        winograd_pays(options.in, x.size(2), x.size(3), upsampled ? 2 : 3);
  if (winograd) {  // batch norm folded and relu applied by the output transform
    y = upsampled ? winograd_.forward_interleaved(x, true) : winograd_.forward(x, true);
  } else if (x.is_meta()) {  // shape and FLOPs only: the conv of the upsampled input, as in reference.md
    if (upsampled) x = torch::upsample_nearest2d(x, {2 * x.size(2), 2 * x.size(3)});
    y = meta_conv(x, conv->weight);
  } else if (!upsampled) {
    y = conv->forward(x);
  } else if (folded_) {
    y = conv_of_upsampled(x, folded_phase_weight_, folded_phase_bias_, true);
  } else {
    y = conv_of_upsampled(x, phase_weight(conv->weight), conv->bias.repeat({4}), false);
  }
  FlopCounter::add(conv_flops(options.in, options.out, options.kernel * options.kernel, y));
  if (x.is_meta() || winograd) return y;
  if (folded_) return options.nearest_upsampled_input ? y : torch::relu_(y);
  auto normalised = norm->forward(y);
  return torch::relu_(normalised);
}

void ConvBlockImpl::fold_batch_norm(const torch::TensorOptions& target, torch::MemoryFormat format,
                                    bool winograd) {
  torch::NoGradGuard no_grad;
  if (folded_) return;
  if (static_cast<float>(norm->options.eps()) != engine::kBatchNormEps) throw std::logic_error("batch norm eps is not the engine's");
  auto values = [](const torch::Tensor& t) {
    const auto cpu = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    return std::vector<float>(cpu.data_ptr<float>(), cpu.data_ptr<float>() + cpu.numel());
  };
  auto weight_values = values(conv->weight), bias_values = values(conv->bias);
  engine::fold_batch_norm(weight_values, bias_values, values(norm->weight), values(norm->bias),
                          values(norm->running_mean), values(norm->running_var));
  const auto weight = torch::from_blob(weight_values.data(), conv->weight.sizes()).clone();
  const auto bias = torch::from_blob(bias_values.data(), conv->bias.sizes()).clone();
  conv->weight.set_data(weight.to(target).contiguous(format));
  conv->bias.set_data(bias.to(target));
  torch::Tensor phases;
  if (options.nearest_upsampled_input) {
    phases = phase_weight(weight);
    folded_phase_weight_ = phases.to(target).contiguous(format);
    folded_phase_bias_ = bias.repeat({4}).to(target);
  }
  const bool nchw_float_cpu = target.dtype() == torch::kFloat && target.device().is_cpu() &&
                              format == torch::MemoryFormat::Contiguous;
  if (winograd && nchw_float_cpu && options.kernel == 3 && options.dilation == 1)
    winograd_ = options.nearest_upsampled_input ? WinogradConv(phases, bias.repeat({4})) : WinogradConv(weight, bias);
  folded_ = true;
}

UpStepImpl::UpStepImpl(const std::string& up_mode, int in, int out, int kernel) : mode(up_mode) {
  const bool nearest = mode == "nearest";
  if (!nearest && mode != "bilinear" && mode != "transposed" && mode != "unpool")
    throw UsageError("unknown upsampling '" + mode + "' (nearest|unpool|transposed|bilinear)");
  if (mode == "transposed")
    transposed = register_module(
        "transposed", torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(in, in, 2).stride(2)));
  block = register_module("block", ConvBlock(ConvBlockOptions{in, out, kernel, 1, nearest}));
}

torch::Tensor UpStepImpl::forward(torch::Tensor x, const torch::Tensor& indices) {
  if (mode == "nearest") return block->forward(x);  // upsampling folded into the convolution
  torch::Tensor up;
  if (mode == "bilinear") {
    up = torch::upsample_bilinear2d(x, {2 * x.size(2), 2 * x.size(3)}, false);
  } else if (x.is_meta()) {  // transposed conv and max_unpool2d have no meta kernel in C++
    up = torch::empty({x.size(0), x.size(1), 2 * x.size(2), 2 * x.size(3)}, x.options());
  } else if (mode == "transposed") {  // fp32 in a bf16 inference (runtime.cpp)
    up = transposed->forward(x.to(transposed->weight.scalar_type()));
  } else {  // LibTorch 1.13 has no bf16 max_unpool2d
    up = torch::max_unpool2d(x.scalar_type() == torch::kBFloat16 ? x.to(torch::kFloat32) : x, indices,
                             {2 * x.size(2), 2 * x.size(3)});
  }
  if (mode == "transposed") FlopCounter::add(conv_flops(x.size(1), x.size(1), 4, x));
  return block->forward(up);
}

namespace {

// A pointwise convolution run as one GEMM per image, for inference on NCHW float CPU maps:
// oneDNN took 15 ms for XNet-64's 128 -> 3 head at 200^2 (2 threads), the GEMM ~2.
bool pointwise_as_gemm(const torch::nn::Conv2d& conv, const torch::Tensor& x) {
  const auto& o = conv->options;
  const auto& w = conv->weight;
  const auto* pad = c10::get_if<torch::ExpandingArray<2>>(&o.padding());  // else valid/same: none
  const bool unpadded = !pad || ((**pad)[0] == 0 && (**pad)[1] == 0);
  return !x.requires_grad() && !w.requires_grad() && x.device().is_cpu() && x.scalar_type() == torch::kFloat &&
         w.scalar_type() == torch::kFloat && x.dim() == 4 && x.is_contiguous() && w.size(2) == 1 &&
         w.size(3) == 1 && o.groups() == 1 && (*o.stride())[0] == 1 && (*o.stride())[1] == 1 && unpadded;
}

torch::Tensor pointwise_gemm(const torch::nn::Conv2d& conv, const torch::Tensor& x) {
  const auto& w = conv->weight;
  const int64_t n = x.size(0), h = x.size(2), width = x.size(3);
  auto y = torch::matmul(w.view({w.size(0), w.size(1)}), x.view({n, x.size(1), h * width}));
  if (conv->bias.defined()) y.add_(conv->bias.view({1, -1, 1}));
  return y.view({n, w.size(0), h, width});
}

}  // namespace

torch::Tensor counted_conv(torch::nn::Conv2d& conv, const torch::Tensor& input) {
  // A bf16 inference keeps the heads in fp32 (runtime.cpp): the logits are then not rounded
  // to bf16's 8 bits, which alone moved class boundaries.
  const auto& x = input.scalar_type() == conv->weight.scalar_type() || input.is_meta()
                      ? input
                      : input.to(conv->weight.scalar_type());
  auto y = x.is_meta() ? meta_conv(x, conv->weight)
           : pointwise_as_gemm(conv, x) ? pointwise_gemm(conv, x)
                                        : conv->forward(x);
  const auto& w = conv->weight;
  FlopCounter::add(conv_flops(w.size(1), w.size(0), w.size(2) * w.size(3), y));
  return y;
}

torch::Tensor pool(const torch::Tensor& x) {
  // Without autograd: the maximum of the four strided 2x2 phases, max_pool2d's values exactly
  // (the odd last row or column dropped alike). LibTorch 1.13's CPU max_pool2d also computes
  // argmax indices and took 12.5 ms instead of 1.7 on XNet-64's 64 x 200^2 map (2 threads),
  // 20 ms of every 200^2 inference. Training keeps max_pool2d and its backward.
  if (x.requires_grad() || x.dim() != 4) return torch::max_pool2d(x, 2);
  const int64_t h = x.size(2) / 2 * 2, w = x.size(3) / 2 * 2;
  if (h == 0 || w == 0) return torch::max_pool2d(x, 2);  // its error: a map too small to pool
  const auto rows = torch::max(x.slice(2, 0, h, 2), x.slice(2, 1, h, 2));
  return torch::max(rows.slice(3, 0, w, 2), rows.slice(3, 1, w, 2));
}

std::tuple<torch::Tensor, torch::Tensor> pool_with_indices(const torch::Tensor& x) {
  return torch::max_pool2d_with_indices(x, 2);
}

FlopCounter::FlopCounter() : previous_(active_counter) { active_counter = this; }
FlopCounter::~FlopCounter() { active_counter = previous_; }
void FlopCounter::add(double flops) {
  if (active_counter) active_counter->flops_ += flops;
}

}  // namespace xnet::model

namespace xnet::model {

torch::nn::Sequential double_block(int in, int out, int kernel) {
  return torch::nn::Sequential(ConvBlock(ConvBlockOptions{in, out, kernel}),
                               ConvBlock(ConvBlockOptions{out, out, kernel}));
}

std::vector<torch::nn::Sequential> encoder_levels(torch::nn::Module& owner, int input_channels,
                                                  int base_filters, int depth, int kernel) {
  std::vector<torch::nn::Sequential> levels;
  for (int l = 0; l < depth; ++l) {
    const int in = l == 0 ? input_channels : base_filters << (l - 1);
    levels.push_back(owner.register_module("down" + std::to_string(l),
                                           double_block(in, base_filters << l, kernel)));
  }
  return levels;
}

}  // namespace xnet::model

namespace xnet::model {

std::vector<torch::Tensor> parameters_of(const std::vector<torch::nn::Sequential>& levels) {
  std::vector<torch::Tensor> params;
  for (const auto& level : levels)
    for (const auto& p : level->parameters()) params.push_back(p);
  return params;
}

}  // namespace xnet::model
