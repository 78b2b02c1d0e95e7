#pragma once
// The radiographs named on a command line: files as given, folders searched recursively for
// every file read_radiograph understands.
#include <filesystem>
#include <string>
#include <vector>

namespace xnet {

// Files in the order given, each folder's radiographs sorted by path. Throws xnet::Error for a
// missing input, an empty result, or two inputs with the same stem (their outputs
// DIR/STEM_mask.png would overwrite each other).
std::vector<std::filesystem::path> collect_radiographs(const std::vector<std::filesystem::path>& inputs);

}  // namespace xnet
