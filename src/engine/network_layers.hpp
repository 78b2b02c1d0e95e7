#pragma once
// The one description of a network: a table of layers (kind, channels, inputs, level) from
// which LibTorch builds the training module (model/table_network) and the oneDNN engine plans,
// allocates and runs (engine/onednn_network). Also the arithmetic both share on the way to
// inference: batch norm folded into its convolution, and "nearest 2x upsample, then conv" as
// four phase kernels of the low-resolution input. Torch-free, so that predict need not load
// LibTorch (README, predict).
#include <string>
#include <vector>

#include "engine/model_description.hpp"

namespace xnet::engine {

// The spec with "auto" replaced by the architecture's own upsampling; throws UsageError for an
// unknown architecture, an upsampling the architecture does not allow, or impossible sizes.
engine::NetworkSpec resolve(engine::NetworkSpec spec);

enum class LayerKind {
  block,     // same-padding k x k conv -> batch norm -> ReLU: "C" of reference.md
  up_block,  // 2x upsampling by the spec's mode, then a block: "C(U x)"
  pool,      // 2x2 max pooling
  concat,    // [x, y] along the channels
  head,      // 1x1 conv without normalisation: the logits
};

constexpr int kImage = -1;  // a layer input that is the network's input

struct Layer {
  LayerKind kind = LayerKind::block;
  // Where its parameters live in model.pt ("c1", "u6", "down0.1", "head"; dots are nesting);
  // empty for pool and concat.
  std::string name;
  int in = 0, out = 0;      // channels
  std::vector<int> inputs;  // earlier layers' indices or kImage; two for concat
  int level = 0;            // resolution of its output: 2^-level of the input's
  bool encoder = false;     // the feature-extraction (down) path, frozen by --freeze-encoder
};

struct LayerTable {
  engine::NetworkSpec spec;    // resolved
  std::vector<Layer> layers;  // in execution order; the last gives the logits
  int size_multiple = 1;      // height and width must divide by it (2^pooling levels)
  // Index of the last layer that reads each layer's output (its own index when none does).
  std::vector<int> last_use() const;
};

// Whether layer_table describes the architecture (XNet and U-Net; SegNet's unpooling and
// DeepLab's atrous pyramid are LibTorch modules of their own).
bool has_layer_table(const std::string& architecture);

// The table of a spec (resolved first); throws UsageError for architectures without one.
LayerTable layer_table(const engine::NetworkSpec& spec);

// torch::nn::BatchNorm2d's default epsilon, which every block keeps.
constexpr float kBatchNormEps = 1e-5f;

// Folds an eval-mode batch norm into the convolution before it, in place:
// w' = w * s, b' = (b - mean) * s + beta, s = gamma / sqrt(var + eps), per output channel
// (weight: out x (in * k * k), row-major).
void fold_batch_norm(std::vector<float>& weight, std::vector<float>& bias, const std::vector<float>& gamma,
                     const std::vector<float>& beta, const std::vector<float>& mean, const std::vector<float>& var);

// Nearest 2x upsampling followed by a k x k same-padding convolution equals, for each of the
// four output phases (row parity a, column parity b), a t x t convolution (t = k/2 + 1) of
// the low-resolution input with padding phase_padding(k): taps of the big kernel that land on
// the same low-resolution pixel are summed (for k = 3, 4 instead of 9 multiply-adds a pixel).
int phase_taps(int kernel);
int phase_padding(int kernel);
// The sums as a matrix: row p * t^2 + (u * t + v) (phase p = 2a + b) has a 1 at each big
// kernel tap (dy * k + dx) that phase p's tap (u, v) collects; (4 t^2) x k^2, row-major.
std::vector<float> phase_tap_matrix(int kernel);
// The phase kernels of a weight (out x in x k x k), stacked along the outputs:
// (4 out) x in x t x t, phase p's block at p * out.
std::vector<float> phase_kernels(const std::vector<float>& weight, int out, int in, int kernel);
// Output pixel (2i + a, 2j + b) is phase (a, b)'s stacked output at (i + phase_offset(a),
// j + phase_offset(b)).
int phase_offset(int parity, int kernel);

}  // namespace xnet::engine
