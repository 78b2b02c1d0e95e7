#pragma once
// The radiographs named on a command line: files as given, folders searched recursively for
// every file read_radiograph understands, except what xnet predict wrote there itself.
#include <filesystem>
#include <functional>
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

// One of N processes segmenting one input list (issue 18): shard K of N takes the files whose
// position in the list sorted by path is K modulo N, so N shards together take every file
// exactly once, and the same list always splits the same way.
struct Shard {
  int index = 0, count = 1;  // K in 0..N-1, as torchrun's RANK
  std::string source = "none";  // "option" (--shard), "torchrun" (RANK, WORLD_SIZE), "slurm", "none"
};

// "K/N" with 0 <= K < N; throws UsageError naming `text` otherwise.
Shard parse_shard(const std::string& text);

// The launcher's shard (core/launcher.hpp: torchrun's RANK/WORLD_SIZE, else Slurm's), else
// shard 0 of 1. Throws UsageError for values that are not a shard.
Shard shard_from_environment(const std::function<const char*(const char*)>& getenv);

// The files of `shard` (sorted by path).
std::vector<std::filesystem::path> files_of_shard(std::vector<std::filesystem::path> files, const Shard& shard);

}  // namespace xnet
