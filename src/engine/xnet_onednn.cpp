#include "engine/xnet_onednn.hpp"

#include <omp.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <map>
#include <mutex>
#include <utility>

#include <oneapi/dnnl/dnnl.hpp>

#include "core/threads.hpp"

namespace xnet::engine {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

constexpr float kBatchNormEps = 1e-5f;  // torch::nn::BatchNorm2d's default, which ConvBlock keeps

// oneDNN's native activation layout on this CPU: channels in blocks of 8 (AVX2) or 16
// (AVX-512). Every activation stays in it from the first layer to the head.
bool has_avx512() { return cpu_features().avx512; }
tag blocked_tag() { return has_avx512() ? tag::nChw16c : tag::nChw8c; }

memory::desc activation(int channels, int height, int width, tag format) {
  return memory::desc({1, channels, height, width}, memory::data_type::f32, format);
}

// Float storage aligned for vector loads, one per activation of one forward pass.
struct Buffer {
  float* data = nullptr;
  explicit Buffer(std::size_t floats) {
    const std::size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
    data = static_cast<float*>(std::aligned_alloc(64, bytes > 0 ? bytes : 64));
    if (!data) throw std::bad_alloc();
  }
  ~Buffer() { std::free(data); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
};

// One conv -> batch norm -> ReLU block with the batch norm folded in (model/blocks.cpp does
// the same in LibTorch): w' = w * s, b' = (b - mean) * s + beta, s = gamma / sqrt(var + eps).
// An upsampled block ("C(U x)", nearest) keeps the four 2x2 phase kernels instead, stacked
// along the outputs (phase p = 2a + b): out (2i + a, 2j + b) = phase (a, b) at (i + a, j + b)
// of a padding-1 2x2 convolution of the low-resolution input. For a 3x3 kernel row a = 0
// sees rows (w0, w1 + w2), row a = 1 sees (w0 + w1, w2), and columns alike: 4 instead of 9
// multiply-adds per output pixel.
struct FoldedBlock {
  int in = 0, out = 0;
  bool upsampled = false;
  std::vector<float> weight;  // out x in x 3 x 3, or (4 out) x in x 2 x 2 when upsampled
  std::vector<float> bias;    // out, or 4 out
};

FoldedBlock fold_block(const ModelArchive& archive, const std::string& name, int in_channels, int out_channels,
                       bool upsampled) {
  const auto w = archive.read_float(name + ".conv.weight");
  const auto b = archive.read_float(name + ".conv.bias");
  const auto gamma = archive.read_float(name + ".norm.weight");
  const auto beta = archive.read_float(name + ".norm.bias");
  const auto mean = archive.read_float(name + ".norm.running_mean");
  const auto var = archive.read_float(name + ".norm.running_var");
  // Checked against the description, as LibTorch's load checks every shape: the buffers and
  // primitives below are sized from it.
  if (w.shape != std::vector<int64_t>{out_channels, in_channels, 3, 3})
    throw ArchiveError(file_error(archive.path(), name + ".conv.weight is not " + std::to_string(out_channels) +
                                                      " x " + std::to_string(in_channels) + " x 3 x 3").what());
  FoldedBlock block;
  block.out = static_cast<int>(w.shape[0]);
  block.in = static_cast<int>(w.shape[1]);
  block.upsampled = upsampled;
  const std::size_t out = block.out, in = block.in;
  for (const auto* t : {&b, &gamma, &beta, &mean, &var})
    if (t->numel() != block.out)
      throw ArchiveError(file_error(archive.path(), name + ": batch norm does not match its convolution").what());
  std::vector<float> folded(w.values.size()), bias(out);
  for (std::size_t o = 0; o < out; ++o) {
    const float scale = gamma.values[o] / std::sqrt(var.values[o] + kBatchNormEps);
    bias[o] = (b.values[o] - mean.values[o]) * scale + beta.values[o];
    for (std::size_t k = 0; k < in * 9; ++k) folded[o * in * 9 + k] = w.values[o * in * 9 + k] * scale;
  }
  if (!upsampled) {
    block.weight = std::move(folded);
    block.bias = std::move(bias);
    return block;
  }
  // taps[a][row of the 2x2 kernel] = the 3x3 rows summed into it.
  const std::vector<std::vector<int>> taps[2] = {{{0}, {1, 2}}, {{0, 1}, {2}}};
  block.weight.assign(4 * out * in * 4, 0.0f);
  block.bias.resize(4 * out);
  for (int a = 0; a < 2; ++a)
    for (int bb = 0; bb < 2; ++bb) {
      const std::size_t p = 2 * a + bb;
      for (std::size_t o = 0; o < out; ++o) {
        block.bias[p * out + o] = bias[o];
        for (std::size_t i = 0; i < in; ++i)
          for (int r = 0; r < 2; ++r)
            for (int c = 0; c < 2; ++c) {
              float sum = 0;
              for (int kr : taps[a][r])
                for (int kc : taps[bb][c]) sum += folded[((o * in + i) * 3 + kr) * 3 + kc];
              block.weight[(((p * out + o) * in + i) * 2 + r) * 2 + c] = sum;
            }
      }
    }
  return block;
}

// A convolution primitive for one input size, with its weights reordered into the layout
// oneDNN chose for it.
// Its scratchpad is the caller's (scratchpad_mode::user): oneDNN's own would be shared by
// the threads of a batch that run one plan side by side.
struct Convolution {
  dnnl::convolution_forward primitive;
  memory weights, bias;
  memory::desc src, dst, scratchpad;
};

Convolution make_convolution(const dnnl::engine& engine, const memory::desc& src, const memory::desc& dst,
                             const std::vector<float>& weight, const std::vector<float>& bias, int kernel,
                             int padding, bool relu) {
  const auto out = static_cast<memory::dim>(dst.dims()[1]), in = static_cast<memory::dim>(src.dims()[1]);
  const memory::desc any_weights({out, in, kernel, kernel}, memory::data_type::f32, tag::any);
  const memory::desc bias_desc({out}, memory::data_type::f32, tag::x);
  const dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                             src, any_weights, bias_desc, dst, {1, 1}, {padding, padding},
                                             {padding, padding});
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  if (relu) {
    dnnl::post_ops ops;
    ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
    attr.set_post_ops(ops);
  }
  const dnnl::convolution_forward::primitive_desc pd(desc, attr, engine);
  Convolution conv{dnnl::convolution_forward(pd), memory(pd.weights_desc(), engine), memory(bias_desc, engine), src, dst,
                   pd.scratchpad_desc()};
  memory plain({{out, in, kernel, kernel}, memory::data_type::f32, tag::oihw}, engine,
               const_cast<float*>(weight.data()));
  dnnl::stream stream(engine);
  dnnl::reorder(plain, conv.weights).execute(stream, plain, conv.weights);
  stream.wait();
  std::memcpy(conv.bias.get_data_handle(), bias.data(), bias.size() * sizeof(float));
  return conv;
}

// Writes the four phase outputs of an upsampled block (4 out channels, (h+1) x (w+1)) into
// out channels of 2h x 2w, both blocked; out is a multiple of the block.
void interleave_phases(const float* stacked, float* dst, int out, int h, int w, int block) {
  const int blocks = out / block, sh = h + 1, sw = w + 1;
  const std::size_t phase_stride = static_cast<std::size_t>(blocks) * sh * sw * block;
#pragma omp parallel for collapse(2)
  for (int cb = 0; cb < blocks; ++cb)
    for (int y = 0; y < 2 * h; ++y) {
      const int a = y & 1, i = y >> 1;
      float* row = dst + ((static_cast<std::size_t>(cb) * 2 * h + y) * 2 * w) * block;
      for (int x = 0; x < 2 * w; ++x) {
        const int b = x & 1, j = x >> 1;
        const float* src = stacked + (2 * a + b) * phase_stride +
                           ((static_cast<std::size_t>(cb) * sh + i + a) * sw + j + b) * block;
        std::memcpy(row + static_cast<std::size_t>(x) * block, src, block * sizeof(float));
      }
    }
}

class XNetOneDnn final : public LogitsEngine {
 public:
  XNetOneDnn(const ModelArchive& archive, const EngineOptions& options, EngineChoice choice)
      : model_(archive.description()), choice_(std::move(choice)), engine_(dnnl::engine::kind::cpu, 0),
        block_(onednn_channel_block()) {
    use_threads(options.threads);
    f0_ = model_.network.base_filters;
    classes_ = model_.network.classes;
    const int f0 = f0_, f1 = 2 * f0, f2 = 4 * f0, f3 = 8 * f0;
    // (name, input channels, output channels) as model/xnet.cpp builds them.
    const std::tuple<const char*, int, int> plain[] = {{"c1", 1, f0},      {"c2", f0, f1},     {"c3", f1, f2},
                                                       {"c4", f2, f3},     {"c5", f3, f3},     {"c8", 2 * f1, f1},
                                                       {"c9", f1, f2},     {"c10", f2, f3},    {"c11", f3, f3}};
    const std::tuple<const char*, int, int> up[] = {
        {"u6", f3, f2}, {"u7", 2 * f2, f1}, {"u12", f3, f2}, {"u13", 2 * f2, f1}, {"u14", 2 * f1, f0}};
    for (const auto& [name, in, out] : plain) blocks_[name] = fold_block(archive, name, in, out, false);
    for (const auto& [name, in, out] : up) blocks_[name] = fold_block(archive, std::string(name) + ".block", in, out, true);
    const auto head_weight = archive.read_float("head.weight");
    const auto head_bias = archive.read_float("head.bias");
    if (head_weight.shape != std::vector<int64_t>{classes_, 2 * f0, 1, 1} ||
        head_bias.shape != std::vector<int64_t>{classes_})
      throw ArchiveError(file_error(archive.path(), "head does not match the described network").what());
    head_weight_ = head_weight.values;
    head_bias_ = head_bias.values;
    // The input size the model was trained at is what predict feeds it: prepare it now (the
    // loader runs beside the reading of the first image).
    const int side = (model_.input_size + 7) / 8 * 8;
    plan(side, side);
  }

  const model::ModelFile& model() const override { return model_; }
  const EngineChoice& choice() const override { return choice_; }
  void use_threads(int threads) const override { omp_set_num_threads(resolve_threads(threads)); }

  std::vector<cv::Mat> logits(const cv::Mat& input) const override {
    CV_Assert(input.type() == CV_32FC1);
    // Pad by replicating the border to a multiple of 8 (three poolings), as
    // SegmentationNetImpl::forward does, and crop the logits back.
    const int height = (input.rows + 7) / 8 * 8, width = (input.cols + 7) / 8 * 8;
    cv::Mat padded;
    cv::copyMakeBorder(input, padded, 0, height - input.rows, 0, width - input.cols, cv::BORDER_REPLICATE);
    if (!padded.isContinuous()) padded = padded.clone();
    const auto& p = plan(height, width);
    const std::size_t pixels = static_cast<std::size_t>(height) * width;
    Buffer logits((classes_ + block_ - 1) / block_ * block_ * pixels);
    run(p, padded.ptr<float>(), logits.data);
    // Class c is lane c % block of channel block c / block.
    std::vector<cv::Mat> maps;
    for (int c = 0; c < classes_; ++c) {
      cv::Mat map(input.rows, input.cols, CV_32F);
      const float* lane = logits.data + (c / block_) * pixels * block_ + c % block_;
      for (int y = 0; y < input.rows; ++y) {
        auto* row = map.ptr<float>(y);
        for (int x = 0; x < input.cols; ++x) row[x] = lane[(static_cast<std::size_t>(y) * width + x) * block_];
      }
      maps.push_back(map);
    }
    return maps;
  }

 private:
  struct Pool {
    dnnl::pooling_forward primitive;
    memory::desc src, dst, scratchpad;
  };
  // The primitives for one input size and thread count: oneDNN's kernels fix their thread
  // count when they are made, and a batch's workers each run on fewer threads than the loader.
  struct Plan {
    int height = 0, width = 0;
    std::size_t scratchpad_bytes = 0;  // the largest of its primitives
    std::map<std::string, Convolution> convs;
    std::map<int, Pool> pools;  // by level of the input
    Convolution head;
  };

  memory::desc level(int channels, int lvl, const Plan& p) const {
    return activation(channels, p.height >> lvl, p.width >> lvl, blocked_tag());
  }

  const Plan& plan(int height, int width) const {
    std::lock_guard<std::mutex> lock(plans_mutex_);
    auto& slot = plans_[{height, width, omp_get_max_threads()}];
    if (slot) return *slot;
    auto p = std::make_unique<Plan>();
    p->height = height;
    p->width = width;
    const int f0 = f0_, f1 = 2 * f0, f2 = 4 * f0, f3 = 8 * f0;
    auto conv = [&](const std::string& name, const memory::desc& src, int lvl) {
      const auto& b = blocks_.at(name);
      p->convs.emplace(name, make_convolution(engine_, src, level(b.out, lvl, *p), b.weight, b.bias, 3, 1, true));
    };
    // An upsampled block reads level lvl + 1 and writes its stacked phases at (h+1) x (w+1).
    auto up = [&](const std::string& name, int in, int lvl) {
      const auto& b = blocks_.at(name);
      const int h = p->height >> (lvl + 1), w = p->width >> (lvl + 1);
      p->convs.emplace(name, make_convolution(engine_, level(in, lvl + 1, *p),
                                              activation(4 * b.out, h + 1, w + 1, blocked_tag()), b.weight,
                                              b.bias, 2, 1, true));
    };
    auto pool = [&](int channels, int lvl) {
      const auto src = level(channels, lvl, *p), dst = level(channels, lvl + 1, *p);
      const dnnl::pooling_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::pooling_max, src,
                                             dst, {2, 2}, {2, 2}, {0, 0}, {0, 0});
      dnnl::primitive_attr attr;
      attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
      const dnnl::pooling_forward::primitive_desc pd(desc, attr, engine_);
      p->pools.emplace(lvl, Pool{dnnl::pooling_forward(pd), src, dst, pd.scratchpad_desc()});
    };
    conv("c1", activation(1, height, width, tag::nchw), 0);
    conv("c2", level(f0, 1, *p), 1);
    conv("c3", level(f1, 2, *p), 2);
    conv("c4", level(f2, 3, *p), 3);
    conv("c5", level(f3, 3, *p), 3);
    up("u6", f3, 2);
    up("u7", 2 * f2, 1);
    conv("c8", level(2 * f1, 1, *p), 1);
    conv("c9", level(f1, 2, *p), 2);
    conv("c10", level(f2, 3, *p), 3);
    conv("c11", level(f3, 3, *p), 3);
    up("u12", f3, 2);
    up("u13", 2 * f2, 1);
    up("u14", 2 * f1, 0);
    pool(f0, 0);
    pool(f1, 1);
    pool(f2, 2);
    // Blocked output too: oneDNN 2.6 has only its reference kernel for a plain (nchw) one,
    // which took 0.63 s for XNet-64's 128 -> 3 head at 200^2.
    p->head = make_convolution(engine_, level(2 * f0, 0, *p), level(classes_, 0, *p), head_weight_, head_bias_, 1,
                               0, false);
    for (const auto& [name, c] : p->convs) p->scratchpad_bytes = std::max(p->scratchpad_bytes, c.scratchpad.get_size());
    for (const auto& [lvl, pl] : p->pools) p->scratchpad_bytes = std::max(p->scratchpad_bytes, pl.scratchpad.get_size());
    p->scratchpad_bytes = std::max(p->scratchpad_bytes, p->head.scratchpad.get_size());
    slot = std::move(p);
    return *slot;
  }

  // The layer sequence of model/xnet.cpp; a concatenation [x, y] is one buffer that x and y
  // are written into side by side (channel blocks of one image are contiguous).
  void run(const Plan& p, float* input, float* logits) const {
    dnnl::stream stream(engine_);
    const int f0 = f0_, f1 = 2 * f0, f2 = 4 * f0, f3 = 8 * f0;
    const std::size_t px0 = static_cast<std::size_t>(p.height) * p.width, px1 = px0 / 4, px2 = px0 / 16,
                      px3 = px0 / 64;
    Buffer c14(2 * f0 * px0), c7(2 * f1 * px1), c13(2 * f1 * px1), c6(2 * f2 * px2), c12(2 * f2 * px2);
    Buffer pooled0(f0 * px1), pooled1(f1 * px2), pooled2(f2 * px3), a4(f3 * px3), a5(f3 * px3);
    // The stacked phases of the largest upsampled block (u14: 4 f0 at (h/2 + 1) x (w/2 + 1)).
    const std::size_t stacked_floats = static_cast<std::size_t>(4) * f0 * (p.height / 2 + 1) * (p.width / 2 + 1);
    const std::size_t stacked_u7 = static_cast<std::size_t>(4) * f1 * (p.height / 4 + 1) * (p.width / 4 + 1);
    const std::size_t stacked_u6 = static_cast<std::size_t>(4) * f2 * (p.height / 8 + 1) * (p.width / 8 + 1);
    Buffer stacked(std::max({stacked_floats, stacked_u7, stacked_u6}));

    Buffer scratchpad(p.scratchpad_bytes / sizeof(float) + 1);
    auto mem = [&](const memory::desc& d, float* data) { return memory(d, engine_, data); };
    auto execute = [&](const Convolution& c, float* src, float* dst) {
      c.primitive.execute(stream, {{DNNL_ARG_SRC, mem(c.src, src)},
                                   {DNNL_ARG_WEIGHTS, c.weights},
                                   {DNNL_ARG_BIAS, c.bias},
                                   {DNNL_ARG_DST, mem(c.dst, dst)},
                                   {DNNL_ARG_SCRATCHPAD, mem(c.scratchpad, scratchpad.data)}});
    };
    auto conv = [&](const std::string& name, float* src, float* dst) { execute(p.convs.at(name), src, dst); };
    auto pool = [&](int lvl, float* src, float* dst) {
      const auto& pl = p.pools.at(lvl);
      pl.primitive.execute(stream, {{DNNL_ARG_SRC, mem(pl.src, src)},
                                    {DNNL_ARG_DST, mem(pl.dst, dst)},
                                    {DNNL_ARG_SCRATCHPAD, mem(pl.scratchpad, scratchpad.data)}});
    };
    auto up = [&](const std::string& name, float* src, int lvl, float* dst) {
      conv(name, src, stacked.data);
      stream.wait();
      interleave_phases(stacked.data, dst, blocks_.at(name).out, p.height >> (lvl + 1), p.width >> (lvl + 1), block_);
    };
    float* a1 = c14.data;              // c14 = [a1, u14(c13)]
    float* a2 = c7.data;               // c7  = [a2, u7(c6)]
    float* a3 = c6.data;               // c6  = [a3, u6(a5)]
    float* a8 = c13.data;              // c13 = [a8, u13(c12)]
    float* a9 = c12.data;              // c12 = [a9, u12(a11)]
    conv("c1", input, a1);
    pool(0, a1, pooled0.data);
    conv("c2", pooled0.data, a2);
    pool(1, a2, pooled1.data);
    conv("c3", pooled1.data, a3);
    pool(2, a3, pooled2.data);
    conv("c4", pooled2.data, a4.data);
    conv("c5", a4.data, a5.data);
    up("u6", a5.data, 2, c6.data + f2 * px2);
    up("u7", c6.data, 1, c7.data + f1 * px1);
    conv("c8", c7.data, a8);
    pool(1, a8, pooled1.data);
    conv("c9", pooled1.data, a9);
    pool(2, a9, pooled2.data);
    conv("c10", pooled2.data, a4.data);
    conv("c11", a4.data, a5.data);
    up("u12", a5.data, 2, c12.data + f2 * px2);
    up("u13", c12.data, 1, c13.data + f1 * px1);
    up("u14", c13.data, 0, c14.data + f0 * px0);
    execute(p.head, c14.data, logits);
    stream.wait();
  }

  model::ModelFile model_;
  EngineChoice choice_;
  dnnl::engine engine_;
  int block_;
  std::map<std::string, FoldedBlock> blocks_;
  std::vector<float> head_weight_, head_bias_;
  int f0_ = 0, classes_ = 0;
  mutable std::mutex plans_mutex_;
  mutable std::map<std::tuple<int, int, int>, std::unique_ptr<Plan>> plans_;
};

}  // namespace

int onednn_channel_block() { return has_avx512() ? 16 : 8; }

std::string xnet_onednn_unsupported(const model::ModelFile& model) {
  const auto& s = model.network;
  if (s.architecture != "xnet") return "architecture " + s.architecture + " (oneDNN runs xnet only)";
  if (s.upsampling != "nearest" && s.upsampling != "auto") return "upsampling " + s.upsampling;
  if (s.kernel_size != 3) return "kernel size " + std::to_string(s.kernel_size);
  if (s.input_channels != 1) return std::to_string(s.input_channels) + " input channels";
  if (s.depth != 4) return "depth " + std::to_string(s.depth);
  if (s.base_filters < 1 || s.base_filters % onednn_channel_block() != 0)
    return std::to_string(s.base_filters) + " base filters (not a multiple of " +
           std::to_string(onednn_channel_block()) + ")";
  if (s.classes < 2 || static_cast<std::size_t>(s.classes) != model.classes.size())
    return std::to_string(s.classes) + " network classes for " + std::to_string(model.classes.size()) + " class names";
  return "";
}

std::unique_ptr<LogitsEngine> open_xnet_onednn(const ModelArchive& archive, const EngineOptions& options,
                                               const EngineChoice& choice) {
  const auto why = xnet_onednn_unsupported(archive.description());
  if (!why.empty()) throw ArchiveError(file_error(archive.path(), "the oneDNN engine does not run " + why).what());
  if (options.device == "cuda") throw ArchiveError("the oneDNN engine runs on the CPU only");
  if (choice.precision != Precision::fp32) throw ArchiveError("the oneDNN engine runs fp32 only");
  try {
    return std::make_unique<XNetOneDnn>(archive, options, choice);
  } catch (const dnnl::error& e) {  // no kernel for this network here: LibTorch's to run
    throw ArchiveError(file_error(archive.path(), std::string("oneDNN cannot run this network: ") + e.what()).what());
  }
}

std::unique_ptr<LogitsEngine> xnet_onednn_engine(const std::filesystem::path& model_file, const EngineOptions& options,
                                                 const EngineChoice& choice) {
  const ModelArchive archive(model_file);
  return open_xnet_onednn(archive, options, choice);
}

}  // namespace xnet::engine
