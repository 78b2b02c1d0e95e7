#pragma once
// `xnet predict` over many files: a reader thread decodes the next radiographs while the
// network runs on the current ones, a writer thread encodes and writes the finished ones'
// outputs. Several images may be segmented side by side, the cores shared out among them. A
// file that fails is reported on stderr (`xnet: error: FILE: ...`) and skipped; every other
// file is still written.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "predict/input_files.hpp"
#include "predict/segmenter.hpp"

namespace xnet {

struct BatchOptions {
  std::filesystem::path out;
  bool save_probabilities = false;
  bool dicom_shutter = false;  // STEM_shutter.dcm for DICOM inputs with a collimator
  bool dicom_segmentation = false;  // STEM_seg.dcm for DICOM inputs
  std::string software_version;     // xnet's, recorded in what is written
  std::string category;      // per-category soft-tissue threshold for every image
  std::size_t read_ahead = 2;  // decoded radiographs waiting for the network
  // Images segmented side by side, the segmenter's threads shared out among them; 0 = one per
  // thread when there are several files (throughput), else one with every thread (latency).
  int workers = 0;
  bool show_progress = true;
  ReadLimits limits;  // what one input may declare (io/file_structure.hpp)
};

struct ImageResult {
  std::filesystem::path input;
  std::string error;  // empty: its outputs were written
};

struct BatchSummary {
  std::size_t written = 0, failed = 0;
  std::vector<ImageResult> images;  // in the order they finished
  StageTimings timings;  // summed over the written images
  double seconds = 0;    // wall time of the whole batch, from the model being ready
  double model_load_seconds = 0;  // loading the model, beside the first reads
  std::string engine;  // what ran the network (LogitsEngine::name)
};

// Loads the model on another thread while the first radiographs are read, then segments and
// writes every file. A model that cannot be loaded throws (nothing written).
BatchSummary predict_files(const std::filesystem::path& model, const SegmenterOptions& segmenter,
                           const std::vector<std::filesystem::path>& files, const BatchOptions& options);

// DIR/summary.json: what a run wrote and what failed, image by image. A run that is shard K of
// N (input_files.hpp) writes DIR/summary-K-of-N.json instead; the shard that finds all N
// shards' files of the same input list (`inputs`: the whole list, before sharding) there
// merges them into DIR/summary.json. Returns the summary.json written, or empty while shards
// are missing.
std::filesystem::path write_batch_summary(const std::filesystem::path& out, const Shard& shard,
                                          const std::vector<std::filesystem::path>& inputs,
                                          const BatchSummary& summary);

}  // namespace xnet
