#pragma once
// Test-time adaptation without labels (AdaBN: Li et al., "Revisiting Batch Normalization For
// Practical Domain Adaptation", 2016): a network trained on one domain (here synthetic
// radiographs) is moved to another (a user's radiographs) by re-estimating every batch-norm
// layer's mean and variance on images of the new domain; no weight is changed.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace xnet {

struct AdaptOptions {
  std::string polarity = "auto";  // auto|raw|display, decided per image as predict does
  int batch_size = 8;
  int threads = 0;
};

struct AdaptSummary {
  std::size_t images = 0;   // radiographs read
  std::size_t windows = 0;  // network inputs they gave (elongated images give several)
  int layers = 0;           // batch-norm layers re-estimated
};

// Reads `model_file`, re-estimates its batch-norm statistics on `images` (each preprocessed
// exactly as `xnet predict` would: polarity, exposed field, network input) and writes the
// adapted model to `out` (atomically); its provenance records the adaptation. Throws
// xnet::Error naming the file for an unreadable image or a model without batch norm.
AdaptSummary adapt_batch_norm(const std::filesystem::path& model_file,
                              const std::vector<std::filesystem::path>& images,
                              const std::filesystem::path& out, const AdaptOptions& options);

}  // namespace xnet
