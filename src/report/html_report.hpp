#pragma once
// `xnet report RUN`: one self-contained HTML file (nothing loaded from the network: figures are
// inline SVG drawn by PLplot, images are base64 data URIs). Sections, each with an id:
// summary, learning-curves, per-class, confusion-matrix, roc, reliability, per-category,
// examples, comparison. A missing input gives "not available" and the reason, never a failure.
#include <filesystem>
#include <string>

#include "report/run_folder.hpp"

namespace xnet::report {

std::string render_report(const RunFolder& run);

// Reads RUN (layout in run_folder.hpp) and writes the report atomically; out defaults to
// RUN/report.html. Returns the path written.
std::filesystem::path write_report(const std::filesystem::path& run, std::filesystem::path out = {});

// RFC 4648 base64, for data URIs.
std::string base64(const std::string& bytes);

}  // namespace xnet::report
