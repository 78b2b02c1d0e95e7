#pragma once
// Which of several processes this one is, as the launcher says: torchrun sets RANK, WORLD_SIZE
// and LOCAL_RANK; Slurm's srun SLURM_PROCID, SLURM_NTASKS and SLURM_LOCALID. Read once here for
// sharded prediction (predict/input_files.hpp) and distributed training (train/distributed.hpp).
#include <functional>
#include <optional>
#include <string>

namespace xnet {

struct LaunchedRank {
  int rank = 0, world_size = 1, local_rank = 0;
  std::string launcher;  // "torchrun" or "slurm"
};

// None when neither launcher's world size is set (torchrun's wins over Slurm's). Throws
// UsageError naming the variables when they are not whole numbers or the rank is outside the
// world. `getenv` is the lookup (std::getenv in the program).
std::optional<LaunchedRank> launched_rank(const std::function<const char*(const char*)>& getenv);

// A whole number of at most 9 digits, or none (an empty text included).
std::optional<int> whole_number(const std::string& text);

}  // namespace xnet
