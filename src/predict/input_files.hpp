#pragma once
// The radiographs named on a command line: files as given, folders searched recursively for
// every file read_radiograph understands, except what xnet predict wrote there itself.
#include <filesystem>
#include <string>
#include <vector>

namespace xnet {

// Files in the order given, each folder's radiographs sorted by path. Files that a folder's
// outputs list names (prediction_outputs.hpp: an earlier `xnet predict` wrote them) are left
// out, so a run into a sub-folder of its inputs never segments its own outputs. Throws
// xnet::Error for a missing input, an empty result, or two inputs with the same stem (their
// outputs DIR/STEM_mask.png would overwrite each other).
std::vector<std::filesystem::path> collect_radiographs(const std::vector<std::filesystem::path>& inputs);

// Throws xnet::Error naming both files when an output predict would write into `out` is one
// of the inputs (an input radiograph named a_mask.png beside a.png, predicted into its folder).
void check_outputs_spare_inputs(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& out);

}  // namespace xnet
