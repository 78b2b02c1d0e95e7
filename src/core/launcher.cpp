#include "core/launcher.hpp"

#include <algorithm>
#include <tuple>

#include "core/error.hpp"

namespace xnet {

std::optional<int> whole_number(const std::string& text) {
  if (text.empty() || text.size() > 9 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoi(text);
}

std::optional<LaunchedRank> launched_rank(const std::function<const char*(const char*)>& getenv) {
  for (const auto& [rank_name, size_name, local_name, launcher] :
       {std::tuple{"RANK", "WORLD_SIZE", "LOCAL_RANK", "torchrun"},
        std::tuple{"SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID", "slurm"}}) {
    const char* size = getenv(size_name);
    if (!size || !*size) continue;
    const char* rank = getenv(rank_name);
    const std::string named = std::string(rank_name) + "=" + (rank ? rank : "") + ", " + size_name + "=" + size;
    const auto r = whole_number(rank ? rank : ""), n = whole_number(size);
    if (!r || !n || *n < 1 || *r >= *n)
      throw UsageError(named + ": not a rank of the world (0 <= rank < world size, as " + launcher + " sets them)");
    const char* local = getenv(local_name);
    return LaunchedRank{*r, *n, whole_number(local ? local : "").value_or(0), launcher};
  }
  return std::nullopt;
}

}  // namespace xnet
