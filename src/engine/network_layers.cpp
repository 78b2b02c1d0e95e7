#include "engine/network_layers.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.hpp"

namespace xnet::engine {
namespace {

struct Architecture {
  std::vector<std::string> upsampling;  // allowed; the first is the architecture's own
  int min_depth, max_depth;
};

// XNet and U-Net cannot unpool: the block after the upsampling changes the channel count
// between the pooled and the upsampled tensors. DeepLab's decoder upsamples by 2^(depth-1)
// in one step, so only interpolation applies. Own upsampling: XNet nearest (reference.md),
// U-Net transposed (Ronneberger 2015), SegNet unpool, DeepLab bilinear.
const std::map<std::string, Architecture>& architectures() {
  static const std::map<std::string, Architecture> table{
      {"xnet", {{"nearest", "bilinear", "transposed"}, 4, 4}},
      {"unet", {{"transposed", "nearest", "bilinear"}, 1, 7}},
      {"segnet", {{"unpool", "nearest", "bilinear", "transposed"}, 1, 7}},
      {"deeplab", {{"bilinear", "nearest"}, 2, 7}},
  };
  return table;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : "|") + n;
  return out;
}

int floor_div2(int v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); }

// Appends layers and hands back their indices, so a diagram reads as the paper writes it.
class TableWriter {
 public:
  explicit TableWriter(LayerTable& table) : table_(table) {}
  int add(LayerKind kind, std::string name, int in, int out, std::vector<int> inputs, int level,
          bool encoder = false) {
    table_.layers.push_back({kind, std::move(name), in, out, std::move(inputs), level, encoder});
    return static_cast<int>(table_.layers.size()) - 1;
  }
  int channels(int layer) const { return layer == kImage ? table_.spec.input_channels : table_.layers[layer].out; }
  int level(int layer) const { return layer == kImage ? 0 : table_.layers[layer].level; }
  int block(const std::string& name, int from, int out, bool encoder = false) {
    return add(LayerKind::block, name, channels(from), out, {from}, level(from), encoder);
  }
  int up(const std::string& name, int from, int out) {
    return add(LayerKind::up_block, name, channels(from), out, {from}, level(from) - 1);
  }
  int pool(int from) {
    return add(LayerKind::pool, "", channels(from), channels(from), {from}, level(from) + 1);
  }
  int concat(int a, int b) {
    return add(LayerKind::concat, "", channels(a) + channels(b), channels(a) + channels(b), {a, b}, level(a));
  }
  int head(int from) { return add(LayerKind::head, "head", channels(from), table_.spec.classes, {from}, level(from)); }

 private:
  LayerTable& table_;
};

// reference.md's layer sequence: P = pool, u = C(U .), [x, y] = concatenation; filters
// (64, 128, 256, 512) at the default base of 64. Two down-up stages in a "W".
void xnet_layers(TableWriter& t, int f0) {
  const int f1 = 2 * f0, f2 = 4 * f0, f3 = 8 * f0;
  const int a1 = t.block("c1", kImage, f0, true);
  const int a2 = t.block("c2", t.pool(a1), f1, true);
  const int a3 = t.block("c3", t.pool(a2), f2, true);
  const int a4 = t.block("c4", t.pool(a3), f3, true);
  const int a5 = t.block("c5", a4, f3, true);
  const int c6 = t.concat(a3, t.up("u6", a5, f2));
  const int c7 = t.concat(a2, t.up("u7", c6, f1));
  const int a8 = t.block("c8", c7, f1);
  const int a9 = t.block("c9", t.pool(a8), f2);
  const int a10 = t.block("c10", t.pool(a9), f3);
  const int a11 = t.block("c11", a10, f3);
  const int c12 = t.concat(a9, t.up("u12", a11, f2));
  const int c13 = t.concat(a8, t.up("u13", c12, f1));
  const int c14 = t.concat(a1, t.up("u14", c13, f0));
  t.head(c14);
}

// U-Net (Ronneberger et al. 2015), same padding: `depth` levels of two blocks (downL.0,
// downL.1), up steps (upL: level L+1 -> L) and concatenated skips merged by two blocks.
void unet_layers(TableWriter& t, int f0, int depth) {
  auto filters = [&](int level) { return f0 << level; };
  std::vector<int> skips;
  int x = kImage;
  for (int l = 0; l < depth; ++l) {
    const auto name = "down" + std::to_string(l);
    if (l > 0) x = t.pool(x);
    x = t.block(name + ".1", t.block(name + ".0", x, filters(l), true), filters(l), true);
    skips.push_back(x);
  }
  for (int l = depth - 1; l-- > 0;) {
    const auto merge = "merge" + std::to_string(l);
    const int joined = t.concat(skips[l], t.up("up" + std::to_string(l), x, filters(l)));
    x = t.block(merge + ".1", t.block(merge + ".0", joined, filters(l)), filters(l));
  }
  t.head(x);
}

}  // namespace

engine::NetworkSpec resolve(engine::NetworkSpec spec) {
  std::vector<std::string> names;
  for (const auto& [name, _] : architectures()) names.push_back(name);
  const auto found = architectures().find(spec.architecture);
  if (found == architectures().end())
    throw UsageError("unknown architecture '" + spec.architecture + "' (" + joined(names) + ")");
  const auto& arch = found->second;
  if (spec.upsampling == "auto") spec.upsampling = arch.upsampling.front();
  if (std::find(arch.upsampling.begin(), arch.upsampling.end(), spec.upsampling) == arch.upsampling.end())
    throw UsageError(spec.architecture + " cannot upsample by '" + spec.upsampling + "' (" + joined(arch.upsampling) + ")");
  if (spec.depth < arch.min_depth || spec.depth > arch.max_depth)
    throw UsageError(spec.architecture + " depth must be in " + std::to_string(arch.min_depth) + ".." +
                     std::to_string(arch.max_depth) + ", got " + std::to_string(spec.depth));
  if (spec.base_filters < 1 || spec.input_channels < 1 || spec.classes < 2 || spec.kernel_size < 1 ||
      spec.kernel_size % 2 == 0)
    throw UsageError("network needs base filters >= 1, input channels >= 1, classes >= 2 and an odd kernel size");
  return spec;
}

bool has_layer_table(const std::string& architecture) { return architecture == "xnet" || architecture == "unet"; }

LayerTable layer_table(const engine::NetworkSpec& spec) {
  LayerTable table;
  table.spec = resolve(spec);
  if (!has_layer_table(table.spec.architecture))
    throw UsageError(table.spec.architecture + " has no layer table (xnet and unet have)");
  TableWriter writer(table);
  if (table.spec.architecture == "xnet") {
    xnet_layers(writer, table.spec.base_filters);
    table.size_multiple = 8;  // three 2x2 poolings deep
  } else {
    unet_layers(writer, table.spec.base_filters, table.spec.depth);
    table.size_multiple = 1 << (table.spec.depth - 1);
  }
  return table;
}

std::vector<int> LayerTable::last_use() const {
  std::vector<int> last(layers.size());
  for (std::size_t i = 0; i < layers.size(); ++i) {
    last[i] = static_cast<int>(i);
    for (int input : layers[i].inputs)
      if (input != kImage) last[input] = static_cast<int>(i);
  }
  return last;
}

void fold_batch_norm(std::vector<float>& weight, std::vector<float>& bias, const std::vector<float>& gamma,
                     const std::vector<float>& beta, const std::vector<float>& mean, const std::vector<float>& var) {
  const std::size_t out = bias.size(), per_output = out ? weight.size() / out : 0;
  for (std::size_t o = 0; o < out; ++o) {
    const float scale = gamma[o] / std::sqrt(var[o] + kBatchNormEps);
    bias[o] = (bias[o] - mean[o]) * scale + beta[o];
    for (std::size_t k = 0; k < per_output; ++k) weight[o * per_output + k] *= scale;
  }
}

int phase_taps(int kernel) { return kernel / 2 + 1; }
int phase_padding(int kernel) { return (kernel / 2 + 1) / 2; }

int phase_offset(int parity, int kernel) {
  const int r = kernel / 2;
  return floor_div2(parity - r) - floor_div2(-r);
}

std::vector<float> phase_tap_matrix(int kernel) {
  // Phase a's row u collects the big kernel's row d + r (d in -r..r) where
  // floor((a + d) / 2) - floor((a - r) / 2) = u: the low-resolution row it lands on.
  const int r = kernel / 2, t = phase_taps(kernel), k2 = kernel * kernel;
  std::vector<float> matrix(static_cast<std::size_t>(4) * t * t * k2, 0.0f);
  auto tap = [&](int parity, int d) { return floor_div2(parity + d) - floor_div2(parity - r); };
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b)
      for (int dy = -r; dy <= r; ++dy)
        for (int dx = -r; dx <= r; ++dx) {
          const int row = (2 * a + b) * t * t + tap(a, dy) * t + tap(b, dx);
          matrix[static_cast<std::size_t>(row) * k2 + (dy + r) * kernel + (dx + r)] = 1.0f;
        }
  return matrix;
}

std::vector<float> phase_kernels(const std::vector<float>& weight, int out, int in, int kernel) {
  const auto matrix = phase_tap_matrix(kernel);
  const std::size_t t2 = static_cast<std::size_t>(phase_taps(kernel)) * phase_taps(kernel),
                    k2 = static_cast<std::size_t>(kernel) * kernel, filters = static_cast<std::size_t>(out) * in;
  std::vector<float> phases(4 * filters * t2, 0.0f);
  for (std::size_t p = 0; p < 4; ++p)
    for (std::size_t f = 0; f < filters; ++f)
      for (std::size_t u = 0; u < t2; ++u) {
        const float* row = &matrix[(p * t2 + u) * k2];
        float sum = 0;
        for (std::size_t k = 0; k < k2; ++k) sum += row[k] * weight[f * k2 + k];
        phases[(p * filters + f) * t2 + u] = sum;
      }
  return phases;
}

}  // namespace xnet::engine
