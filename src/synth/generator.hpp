#pragma once
// Synthetic radiographs with exact labels: one image from (seed, index), and whole datasets
// in the contract's format (contract.md) plus synth.json with the true exposed fields.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "synth/collimator.hpp"
#include "synth/body.hpp"

namespace xnet::synth {

enum class Polarity { raw, display, mixed };
Polarity parse_polarity(const std::string& text);  // UsageError for anything else

struct SynthOptions {
  int count = 0;
  std::uint64_t seed = 1;
  int size = 512;
  Polarity polarity = Polarity::raw;
  bool collimator_class = false;  // outside the field: 3, else 255 (ignore)
  bool imbalance = false;         // strongly uneven category counts
  std::filesystem::path preview;  // empty: none
  int threads = 0;                // 0: all cores
};

struct SyntheticImage {
  std::string category;
  bool display = false;  // display polarity (8-bit, bone bright), else raw 16-bit
  cv::Mat pixels;        // CV_32F holding the integers to store
  cv::Mat labels;        // CV_8U label map
  ExposedField field;
};

// Category of every image: round robin, or with --imbalance a few categories with a single
// image and the rest Zipf-like; deterministic in (count, seed).
std::vector<std::string> assign_categories(int count, std::uint64_t seed, bool imbalance);

// Below this path length (cm, 10 um) a ray counts as missing a material: labels then match
// what attenuates.
constexpr float label_path_threshold_cm = 1e-3f;

// Labels straight from the geometry: bone where any bone-like path is on the ray, soft tissue
// where only soft tissue (or plastic), open beam elsewhere in the field; `outside` behind
// the blades.
cv::Mat label_map(const PathMaps& paths, const cv::Mat& field, std::uint8_t outside);

// One image; its bytes depend only on the arguments.
SyntheticImage synthesize(const std::string& category, std::uint64_t seed, int index, int size,
                          Polarity polarity, bool collimator_class);

// Writes OUT/images, OUT/masks, OUT/manifest.csv, OUT/synth.json (and the preview) using
// options.threads workers, with progress on stderr.
void write_synthetic_dataset(const std::filesystem::path& out, const SynthOptions& options);

}  // namespace xnet::synth
