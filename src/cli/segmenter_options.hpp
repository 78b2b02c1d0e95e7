#pragma once
// The options of the Segmenter that `predict` and `evaluate` share, declared once so that
// evaluate measures exactly what predict writes with the same flags.
#include <CLI/CLI.hpp>

#include "predict/segmenter.hpp"

namespace xnet::cli {

// --soft-tissue-threshold, --polarity, --no-bone-opening, --bone-opening-size, --bone-dilation,
// --min-region, --no-collimator, --threads, --device.
void add_segmenter_options(CLI::App& cmd, SegmenterOptions& options);

}  // namespace xnet::cli
