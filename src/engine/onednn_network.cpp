#include "engine/onednn_network.hpp"

#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include <oneapi/dnnl/dnnl.hpp>

#include "core/threads.hpp"
#include "engine/network_layers.hpp"

namespace xnet::engine {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

// oneDNN's native activation layout on this CPU: channels in blocks of 8 (AVX2) or 16
// (AVX-512). Every activation stays in it from the first layer to the head.
bool has_avx512() { return cpu_features().avx512; }
tag blocked_tag() { return has_avx512() ? tag::nChw16c : tag::nChw8c; }

memory::desc activation(int channels, int height, int width, tag format) {
  return memory::desc({1, channels, height, width}, memory::data_type::f32, format);
}

// Float storage aligned for vector loads: the regions of one forward pass.
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

// A layer's weights, independent of the input size.
struct LayerWeights {
  // block and up_block: the convolution with batch norm folded in (out x in x k x k), or for
  // nearest upsampling its four phase kernels ((4 out) x in x t x t, network_layers.hpp);
  // head: classes x in x 1 x 1.
  std::vector<float> weight, bias;
  // transposed upsampling: its 2x2 stride-2 in -> in kernel, in LibTorch's (in, out, kh, kw).
  std::vector<float> up_weight, up_bias;
};

FloatTensor read_checked(const ModelArchive& archive, const std::string& name, const std::vector<int64_t>& shape) {
  auto t = archive.read_float(name);
  // Checked against the description, as LibTorch's load checks every shape: the buffers and
  // primitives are sized from it.
  if (t.shape != shape) {
    std::string expected;
    for (auto d : shape) expected += (expected.empty() ? "" : " x ") + std::to_string(d);
    throw ArchiveError(file_error(archive.path(), name + " is not " + expected + " as the description says").what());
  }
  return t;
}

// conv -> batch norm at `prefix`, folded (network_layers.hpp).
void read_folded_block(const ModelArchive& archive, const std::string& prefix, const Layer& layer, int kernel,
                       LayerWeights& weights) {
  const std::vector<int64_t> per_output{layer.out};
  weights.weight = read_checked(archive, prefix + ".conv.weight", {layer.out, layer.in, kernel, kernel}).values;
  weights.bias = read_checked(archive, prefix + ".conv.bias", per_output).values;
  fold_batch_norm(weights.weight, weights.bias, read_checked(archive, prefix + ".norm.weight", per_output).values,
                  read_checked(archive, prefix + ".norm.bias", per_output).values,
                  read_checked(archive, prefix + ".norm.running_mean", per_output).values,
                  read_checked(archive, prefix + ".norm.running_var", per_output).values);
}

LayerWeights read_weights(const ModelArchive& archive, const Layer& layer, const engine::NetworkSpec& spec) {
  LayerWeights w;
  const int k = spec.kernel_size;
  switch (layer.kind) {
    case LayerKind::block: read_folded_block(archive, layer.name, layer, k, w); break;
    case LayerKind::up_block:
      read_folded_block(archive, layer.name + ".block", layer, k, w);
      if (spec.upsampling == "nearest") {
        w.weight = phase_kernels(w.weight, layer.out, layer.in, k);
        std::vector<float> stacked;
        for (int p = 0; p < 4; ++p) stacked.insert(stacked.end(), w.bias.begin(), w.bias.end());
        w.bias = std::move(stacked);
      } else if (spec.upsampling == "transposed") {
        w.up_weight = read_checked(archive, layer.name + ".transposed.weight", {layer.in, layer.in, 2, 2}).values;
        w.up_bias = read_checked(archive, layer.name + ".transposed.bias", {layer.in}).values;
      }
      break;
    case LayerKind::head:
      w.weight = read_checked(archive, layer.name + ".weight", {layer.out, layer.in, 1, 1}).values;
      w.bias = read_checked(archive, layer.name + ".bias", {layer.out}).values;
      break;
    case LayerKind::pool:
    case LayerKind::concat: break;
  }
  return w;
}

// One primitive for one input size, weights reordered into the layout oneDNN chose for it.
// Its scratchpad is the caller's (scratchpad_mode::user): oneDNN's own would be shared by the
// threads of a batch that run one plan side by side.
struct Primitive {
  dnnl::primitive primitive;
  memory::desc src, dst, scratchpad;
  std::optional<memory> weights, bias;
};

dnnl::primitive_attr user_scratchpad(bool relu) {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  if (relu) {
    dnnl::post_ops ops;
    ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
    attr.set_post_ops(ops);
  }
  return attr;
}

// The plain weights (`plain` layout) reordered into `chosen`, and the bias copied.
void load_weights(const dnnl::engine& engine, Primitive& p, const memory::desc& chosen, const memory::dims& dims,
                  tag plain_tag, const std::vector<float>& weight, const std::vector<float>& bias) {
  p.weights = memory(chosen, engine);
  p.bias = memory({{static_cast<memory::dim>(bias.size())}, memory::data_type::f32, tag::x}, engine);
  memory plain({dims, memory::data_type::f32, plain_tag}, engine, const_cast<float*>(weight.data()));
  dnnl::stream stream(engine);
  dnnl::reorder(plain, *p.weights).execute(stream, plain, *p.weights);
  stream.wait();
  std::memcpy(p.bias->get_data_handle(), bias.data(), bias.size() * sizeof(float));
}

Primitive convolution(const dnnl::engine& engine, const memory::desc& src, const memory::desc& dst,
                      const std::vector<float>& weight, const std::vector<float>& bias, int kernel, int padding,
                      bool relu) {
  const memory::dims dims{dst.dims()[1], src.dims()[1], kernel, kernel};
  const dnnl::convolution_forward::desc desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src,
      memory::desc(dims, memory::data_type::f32, tag::any),
      memory::desc({dst.dims()[1]}, memory::data_type::f32, tag::x), dst, {1, 1}, {padding, padding},
      {padding, padding});
  const dnnl::convolution_forward::primitive_desc pd(desc, user_scratchpad(relu), engine);
  Primitive p{dnnl::convolution_forward(pd), src, dst, pd.scratchpad_desc(), {}, {}};
  load_weights(engine, p, pd.weights_desc(), dims, tag::oihw, weight, bias);
  return p;
}

// LibTorch's ConvTranspose2d(in, in, 2, stride 2); its weight (in, out, kh, kw) is oneDNN's
// iohw of the deconvolution's (out, in, kh, kw).
Primitive transposed_convolution(const dnnl::engine& engine, const memory::desc& src, const memory::desc& dst,
                                 const std::vector<float>& weight, const std::vector<float>& bias) {
  const memory::dims dims{dst.dims()[1], src.dims()[1], 2, 2};
  const dnnl::deconvolution_forward::desc desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct, src,
      memory::desc(dims, memory::data_type::f32, tag::any),
      memory::desc({dst.dims()[1]}, memory::data_type::f32, tag::x), dst, {2, 2}, {0, 0}, {0, 0});
  const dnnl::deconvolution_forward::primitive_desc pd(desc, user_scratchpad(false), engine);
  Primitive p{dnnl::deconvolution_forward(pd), src, dst, pd.scratchpad_desc(), {}, {}};
  load_weights(engine, p, pd.weights_desc(), dims, tag::iohw, weight, bias);
  return p;
}

// Bilinear 2x with half-pixel centres: LibTorch's upsample_bilinear2d(align_corners = false).
Primitive bilinear(const dnnl::engine& engine, const memory::desc& src, const memory::desc& dst) {
  const dnnl::resampling_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::resampling_linear,
                                            src, dst);
  const dnnl::resampling_forward::primitive_desc pd(desc, user_scratchpad(false), engine);
  return {dnnl::resampling_forward(pd), src, dst, pd.scratchpad_desc(), {}, {}};
}

Primitive max_pool(const dnnl::engine& engine, const memory::desc& src, const memory::desc& dst) {
  const dnnl::pooling_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::pooling_max, src, dst,
                                         {2, 2}, {2, 2}, {0, 0}, {0, 0});
  const dnnl::pooling_forward::primitive_desc pd(desc, user_scratchpad(false), engine);
  return {dnnl::pooling_forward(pd), src, dst, pd.scratchpad_desc(), {}, {}};
}

// Writes the four stacked phase outputs (4 out channels at sh x sw, blocked) into out channels
// of 2h x 2w (blocked; out is a multiple of the block), phase_offset giving each its rows.
void interleave_phases(const float* stacked, float* dst, int out, int h, int w, int sh, int sw, int kernel,
                       int block) {
  const int blocks = out / block;
  const int offset[2] = {phase_offset(0, kernel), phase_offset(1, kernel)};
  const std::size_t phase_stride = static_cast<std::size_t>(blocks) * sh * sw * block;
#pragma omp parallel for collapse(2)
  for (int cb = 0; cb < blocks; ++cb)
    for (int y = 0; y < 2 * h; ++y) {
      const int a = y & 1, i = (y >> 1) + offset[a];
      float* row = dst + ((static_cast<std::size_t>(cb) * 2 * h + y) * 2 * w) * block;
      for (int x = 0; x < 2 * w; ++x) {
        const int b = x & 1, j = (x >> 1) + offset[b];
        const float* src = stacked + (2 * a + b) * phase_stride + ((static_cast<std::size_t>(cb) * sh + i) * sw + j) * block;
        std::memcpy(row + static_cast<std::size_t>(x) * block, src, block * sizeof(float));
      }
    }
}

// Where each layer's output lives in a forward pass. A concatenation [x, y] is one region that
// x and y are written into side by side (channel blocks of one image are contiguous), so no
// copy joins them; regions whose layers are done are reused. Each region is its own
// allocation: below glibc's mmap threshold (keep_freed_memory, cli/program.cpp) freed ones come
// back without page faults, where one arena of them all (~60 MB for XNet-64 at 200^2) was
// mapped afresh for every image.
struct Place {
  int region = -1;
  std::size_t offset = 0;  // floats into it
};
struct Placement {
  std::vector<Place> output;     // each layer's output
  std::vector<Place> temporary;  // an up_block's intermediate map (phases or upsampled input)
  std::vector<std::size_t> region_floats;
};

Placement place(const LayerTable& table, const std::vector<std::size_t>& output_floats,
                const std::vector<std::size_t>& temporary_floats, const std::vector<std::size_t>& level_pixels,
                int block) {
  const auto& layers = table.layers;
  const std::size_t n = layers.size();
  // A layer inside a concatenation: (the concatenation, its channel offset there).
  std::vector<std::pair<int, int>> parent(n, {-1, 0});
  for (std::size_t c = 0; c < n; ++c) {
    if (layers[c].kind != LayerKind::concat) continue;
    int channels = 0;
    for (int input : layers[c].inputs) {
      if (input == kImage || parent[input].first >= 0 || channels % block != 0)
        throw std::logic_error("the oneDNN engine cannot place a concatenation's input (" + layers[c].name + ")");
      parent[input] = {static_cast<int>(c), channels};
      channels += layers[input].out;
    }
  }
  // A concatenation comes after its inputs in the table, so one backward pass finds each
  // layer's root: the region-owning layer (itself, or the outermost concatenation holding it).
  std::vector<int> root(n);
  for (std::size_t i = n; i-- > 0;) root[i] = parent[i].first < 0 ? static_cast<int>(i) : root[parent[i].first];
  const auto last_use = table.last_use();
  std::vector<int> birth(n, static_cast<int>(n)), death(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    birth[root[i]] = std::min(birth[root[i]], static_cast<int>(i));
    death[root[i]] = std::max(death[root[i]], last_use[i]);
  }
  // Regions: a size and the step after which they are free. Each region's tenants follow one
  // another; it grows to the largest of them.
  struct Region {
    std::size_t floats = 0;
    int busy_until = -1;
  };
  std::vector<Region> regions;
  auto take = [&](std::size_t floats, int step, int until) {
    // The smallest free region that fits, else the largest free one (grown), else a new one.
    int fitting = -1, largest = -1;
    for (int r = 0; r < static_cast<int>(regions.size()); ++r) {
      if (regions[r].busy_until >= step) continue;
      if (regions[r].floats >= floats && (fitting < 0 || regions[r].floats < regions[fitting].floats)) fitting = r;
      if (largest < 0 || regions[r].floats > regions[largest].floats) largest = r;
    }
    int chosen = fitting >= 0 ? fitting : largest;
    if (chosen < 0) {
      regions.push_back({});
      chosen = static_cast<int>(regions.size()) - 1;
    }
    regions[chosen].floats = std::max(regions[chosen].floats, floats);
    regions[chosen].busy_until = until;
    return chosen;
  };
  std::vector<int> region_of(n, -1), temporary_region(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t r = 0; r < n; ++r)
      if (root[r] == static_cast<int>(r) && birth[r] == static_cast<int>(i))
        region_of[r] = take(output_floats[r], static_cast<int>(i), death[r]);
    if (temporary_floats[i] > 0) temporary_region[i] = take(temporary_floats[i], static_cast<int>(i), static_cast<int>(i));
  }
  Placement placement;
  for (const auto& region : regions) placement.region_floats.push_back(region.floats);
  placement.output.resize(n);
  placement.temporary.resize(n);
  // A layer's place: its root's region, at the channel offsets of the concatenations above
  // (placed first: they come later in the table).
  for (std::size_t i = n; i-- > 0;) {
    if (parent[i].first < 0) {
      placement.output[i] = {region_of[i], 0};
    } else {
      placement.output[i] = placement.output[parent[i].first];
      placement.output[i].offset += static_cast<std::size_t>(parent[i].second) * level_pixels[layers[i].level];
    }
    if (temporary_region[i] >= 0) placement.temporary[i] = {temporary_region[i], 0};
  }
  return placement;
}

class OneDnnNetwork final : public LogitsEngine {
 public:
  OneDnnNetwork(const ModelArchive& archive, const EngineOptions& options, EngineChoice choice)
      : model_(archive.description()), choice_(std::move(choice)), table_(layer_table(model_.network)),
        engine_(dnnl::engine::kind::cpu, 0), block_(onednn_channel_block()) {
    use_threads(options.threads);
    for (const auto& layer : table_.layers) weights_.push_back(read_weights(archive, layer, table_.spec));
    // The input size the model was trained at is what predict feeds it: prepare it now (the
    // loader runs beside the reading of the first image).
    const int side = aligned(model_.input_size);
    plan(side, side);
  }

  const engine::ModelFile& model() const override { return model_; }
  const EngineChoice& choice() const override { return choice_; }
  void use_threads(int threads) const override { omp_set_num_threads(resolve_threads(threads)); }

  std::vector<cv::Mat> logits(const cv::Mat& input) const override {
    CV_Assert(input.type() == CV_32FC1);
    // Pad by replicating the border to the table's size multiple, as
    // SegmentationNetImpl::forward does, and crop the logits back.
    const int height = aligned(input.rows), width = aligned(input.cols);
    cv::Mat padded;
    cv::copyMakeBorder(input, padded, 0, height - input.rows, 0, width - input.cols, cv::BORDER_REPLICATE);
    if (!padded.isContinuous()) padded = padded.clone();
    const auto& p = plan(height, width);
    std::vector<std::unique_ptr<Buffer>> regions;
    for (auto floats : p.placement.region_floats) regions.push_back(std::make_unique<Buffer>(floats));
    run(p, padded.ptr<float>(), regions);
    // Class c is lane c % block of channel block c / block.
    const auto& out = p.placement.output.back();
    const float* logits = regions[out.region]->data + out.offset;
    const std::size_t pixels = static_cast<std::size_t>(height) * width;
    std::vector<cv::Mat> maps;
    for (int c = 0; c < table_.spec.classes; ++c) {
      cv::Mat map(input.rows, input.cols, CV_32F);
      const float* lane = logits + (c / block_) * pixels * block_ + c % block_;
      for (int y = 0; y < input.rows; ++y) {
        auto* row = map.ptr<float>(y);
        for (int x = 0; x < input.cols; ++x) row[x] = lane[(static_cast<std::size_t>(y) * width + x) * block_];
      }
      maps.push_back(map);
    }
    return maps;
  }

 private:
  // One layer's primitives for one input size: the upsampling (transposed, bilinear) or the
  // phase convolution first where it has one, then its own.
  struct Step {
    std::vector<Primitive> primitives;
  };
  // The primitives for one input size and thread count: oneDNN's kernels fix their thread
  // count when they are made, and a batch's workers each run on fewer threads than the loader.
  struct Plan {
    int height = 0, width = 0;
    std::vector<Step> steps;
    Placement placement;
    std::size_t scratchpad_bytes = 0;  // the largest of its primitives'
  };

  int aligned(int size) const { return (size + table_.size_multiple - 1) / table_.size_multiple * table_.size_multiple; }

  memory::desc at_level(int channels, int level, const Plan& p) const {
    return activation(channels, p.height >> level, p.width >> level, blocked_tag());
  }

  // An up_block's intermediate map: the four stacked phases (nearest) or the upsampled input.
  memory::desc temporary_desc(const Layer& layer, const Plan& p) const {
    if (table_.spec.upsampling != "nearest") return at_level(layer.in, layer.level, p);
    const int k = table_.spec.kernel_size, grow = 2 * phase_padding(k) - phase_taps(k) + 1;
    const int h = (p.height >> (layer.level + 1)) + grow, w = (p.width >> (layer.level + 1)) + grow;
    return activation(4 * layer.out, h, w, blocked_tag());
  }

  const Plan& plan(int height, int width) const {
    std::lock_guard<std::mutex> lock(plans_mutex_);
    auto& slot = plans_[{height, width, omp_get_max_threads()}];
    if (slot) return *slot;
    auto p = std::make_unique<Plan>();
    p->height = height;
    p->width = width;
    const auto& spec = table_.spec;
    const int k = spec.kernel_size;
    const std::size_t n = table_.layers.size();
    std::vector<std::size_t> output_floats(n), temporary_floats(n, 0), level_pixels;
    for (int l = 0; l <= 8; ++l) level_pixels.push_back(static_cast<std::size_t>(height >> l) * (width >> l));
    auto source = [&](const Layer& layer) {
      const int from = layer.inputs.front();
      if (from == kImage) return activation(spec.input_channels, height, width, tag::nchw);
      return at_level(table_.layers[from].out, table_.layers[from].level, *p);
    };
    for (std::size_t i = 0; i < n; ++i) {
      const auto& layer = table_.layers[i];
      const auto& w = weights_[i];
      const auto dst = at_level(layer.out, layer.level, *p);
      output_floats[i] = dst.get_size() / sizeof(float);
      Step step;
      switch (layer.kind) {
        case LayerKind::block:
          step.primitives.push_back(convolution(engine_, source(layer), dst, w.weight, w.bias, k, k / 2, true));
          break;
        case LayerKind::up_block: {
          const auto temporary = temporary_desc(layer, *p);
          temporary_floats[i] = temporary.get_size() / sizeof(float);
          if (spec.upsampling == "nearest") {
            step.primitives.push_back(convolution(engine_, source(layer), temporary, w.weight, w.bias, phase_taps(k),
                                                  phase_padding(k), true));
          } else {
            step.primitives.push_back(spec.upsampling == "transposed"
                                          ? transposed_convolution(engine_, source(layer), temporary, w.up_weight,
                                                                   w.up_bias)
                                          : bilinear(engine_, source(layer), temporary));
            step.primitives.push_back(convolution(engine_, temporary, dst, w.weight, w.bias, k, k / 2, true));
          }
          break;
        }
        case LayerKind::pool: step.primitives.push_back(max_pool(engine_, source(layer), dst)); break;
        case LayerKind::concat: break;
        case LayerKind::head:
          // Blocked output too: oneDNN 2.6 has only its reference kernel for a plain (nchw)
          // one, which took 0.63 s for XNet-64's 128 -> 3 head at 200^2.
          step.primitives.push_back(convolution(engine_, source(layer), dst, w.weight, w.bias, 1, 0, false));
          break;
      }
      for (const auto& primitive : step.primitives)
        p->scratchpad_bytes = std::max(p->scratchpad_bytes, primitive.scratchpad.get_size());
      p->steps.push_back(std::move(step));
    }
    p->placement = place(table_, output_floats, temporary_floats, level_pixels, block_);
    slot = std::move(p);
    return *slot;
  }

  // The table in order; every activation is a place in a region (Placement).
  void run(const Plan& p, float* input, const std::vector<std::unique_ptr<Buffer>>& regions) const {
    auto at = [&](const Place& place) { return regions[place.region]->data + place.offset; };
    dnnl::stream stream(engine_);
    Buffer scratchpad(p.scratchpad_bytes / sizeof(float) + 1);
    auto mem = [&](const memory::desc& d, float* data) { return memory(d, engine_, data); };
    auto execute = [&](const Primitive& primitive, float* src, float* dst) {
      std::unordered_map<int, memory> args{{DNNL_ARG_SRC, mem(primitive.src, src)},
                                           {DNNL_ARG_DST, mem(primitive.dst, dst)},
                                           {DNNL_ARG_SCRATCHPAD, mem(primitive.scratchpad, scratchpad.data)}};
      if (primitive.weights) {
        args.emplace(DNNL_ARG_WEIGHTS, *primitive.weights);
        args.emplace(DNNL_ARG_BIAS, *primitive.bias);
      }
      primitive.primitive.execute(stream, args);
    };
    const int k = table_.spec.kernel_size;
    for (std::size_t i = 0; i < table_.layers.size(); ++i) {
      const auto& layer = table_.layers[i];
      const auto& step = p.steps[i];
      if (layer.kind == LayerKind::concat) continue;  // its inputs were written in place
      const int from = layer.inputs.front();
      float* src = from == kImage ? input : at(p.placement.output[from]);
      float* dst = at(p.placement.output[i]);
      if (layer.kind != LayerKind::up_block) {
        execute(step.primitives.front(), src, dst);
        continue;
      }
      float* temporary = at(p.placement.temporary[i]);
      execute(step.primitives.front(), src, temporary);
      if (step.primitives.size() > 1) {
        execute(step.primitives.back(), temporary, dst);
        continue;
      }
      stream.wait();
      const auto& dims = step.primitives.front().dst.dims();
      interleave_phases(temporary, dst, layer.out, p.height >> (layer.level + 1), p.width >> (layer.level + 1),
                        static_cast<int>(dims[2]), static_cast<int>(dims[3]), k, block_);
    }
    stream.wait();
  }

  engine::ModelFile model_;
  EngineChoice choice_;
  LayerTable table_;
  dnnl::engine engine_;
  int block_;
  std::vector<LayerWeights> weights_;  // per layer of the table
  mutable std::mutex plans_mutex_;
  mutable std::map<std::tuple<int, int, int>, std::unique_ptr<Plan>> plans_;
};

}  // namespace

int onednn_channel_block() { return has_avx512() ? 16 : 8; }

std::string onednn_unsupported(const engine::ModelFile& model) {
  engine::NetworkSpec spec;
  try {
    spec = resolve(model.network);
  } catch (const UsageError& e) {
    return e.what();
  }
  if (!has_layer_table(spec.architecture))
    return "architecture " + spec.architecture + " (oneDNN runs the networks with a layer table: xnet, unet)";
  if (spec.input_channels != 1) return std::to_string(spec.input_channels) + " input channels";
  if (spec.base_filters % onednn_channel_block() != 0)
    return std::to_string(spec.base_filters) + " base filters (not a multiple of " +
           std::to_string(onednn_channel_block()) + ")";
  if (static_cast<std::size_t>(spec.classes) != model.classes.size())
    return std::to_string(spec.classes) + " network classes for " + std::to_string(model.classes.size()) + " class names";
  return "";
}

std::unique_ptr<LogitsEngine> open_onednn(const ModelArchive& archive, const EngineOptions& options,
                                          const EngineChoice& choice) {
  const auto why = onednn_unsupported(archive.description());
  if (!why.empty()) throw ArchiveError(file_error(archive.path(), "the oneDNN engine does not run " + why).what());
  if (options.device == "cuda") throw ArchiveError("the oneDNN engine runs on the CPU only");
  if (choice.precision != Precision::fp32) throw ArchiveError("the oneDNN engine runs fp32 only");
  try {
    return std::make_unique<OneDnnNetwork>(archive, options, choice);
  } catch (const dnnl::error& e) {  // no kernel for this network here: LibTorch's to run
    throw ArchiveError(file_error(archive.path(), std::string("oneDNN cannot run this network: ") + e.what()).what());
  }
}

std::unique_ptr<LogitsEngine> onednn_engine(const std::filesystem::path& model_file, const EngineOptions& options,
                                            const EngineChoice& choice) {
  const ModelArchive archive(model_file);
  return open_onednn(archive, options, choice);
}

}  // namespace xnet::engine
