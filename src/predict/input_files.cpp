#include "predict/input_files.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>
#include <set>

#include "core/error.hpp"
#include "io/radiograph.hpp"
#include "predict/prediction_outputs.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

// The names an earlier predict recorded as its outputs in `folder` (none when it wrote nothing there).
const std::set<std::string>& outputs_in(const fs::path& folder, std::map<fs::path, std::set<std::string>>& known) {
  const auto found = known.find(folder);
  return found != known.end() ? found->second : known.emplace(folder, recorded_outputs(folder)).first->second;
}

std::vector<fs::path> radiographs_in(const fs::path& folder) {
  std::vector<fs::path> found;
  std::map<fs::path, std::set<std::string>> outputs;
  for (const auto& entry : fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied)) {
    const auto name = entry.path().filename().string();
    if (entry.is_regular_file() && !name.empty() && name[0] != '.' && is_radiograph_file(entry.path()) &&
        !outputs_in(entry.path().parent_path(), outputs).count(name))
      found.push_back(entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

std::vector<fs::path> collect_radiographs(const std::vector<fs::path>& inputs) {
  std::vector<fs::path> files;
  for (const auto& input : inputs) {
    if (fs::is_directory(input)) {
      const auto found = radiographs_in(input);
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(input)) {
      // A file named explicitly is attempted whatever its extension: a bad one is reported then.
      files.push_back(input);
    } else {
      throw file_error(input, "no such file or folder");
    }
  }
  if (files.empty()) throw Error("no radiographs found in the inputs given");
  std::map<std::string, fs::path> by_stem;
  for (const auto& file : files) {
    const auto [it, inserted] = by_stem.emplace(file.stem().string(), file);
    if (!inserted)
      throw file_error(file, "same name as " + it->second.string() +
                                 " (outputs are named by stem; predict them into separate --out folders)");
  }
  return files;
}

void check_outputs_spare_inputs(const std::vector<fs::path>& inputs, const fs::path& out) {
  std::map<fs::path, fs::path> by_location;  // absolute, normalised path -> as given
  const auto location = [](const fs::path& p) { return fs::weakly_canonical(fs::absolute(p)); };
  for (const auto& input : inputs) by_location.emplace(location(input), input);
  for (const auto& input : inputs) {
    const auto paths = prediction_paths(out, input);
    for (const auto& output : {paths.mask, paths.overlay, paths.summary, paths.probabilities, paths.shutter,
                               paths.segmentation}) {
      const auto found = by_location.find(location(output));
      if (found != by_location.end())
        throw file_error(found->second, "is an input, and predicting " + input.string() +
                                            " would overwrite it with its output: choose another --out folder");
    }
  }
}

namespace {

std::optional<long> whole_number(const std::string& text) {
  if (text.empty() || text.size() > 9 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stol(text);
}

Shard shard_of(const std::string& index, const std::string& count, const std::string& source, const std::string& named) {
  const auto k = whole_number(index), n = whole_number(count);
  if (!k || !n || *n < 1 || *k >= *n)
    throw UsageError(named + ": not a shard K/N with 0 <= K < N (K counts from 0, as torchrun's RANK)");
  return {static_cast<int>(*k), static_cast<int>(*n), source};
}

}  // namespace

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) throw UsageError("--shard " + text + ": not a shard K/N (e.g. 0/4)");
  return shard_of(text.substr(0, slash), text.substr(slash + 1), "option", "--shard " + text);
}

Shard shard_from_environment(const std::function<const char*(const char*)>& getenv) {
  for (const auto& [rank, size, source] : {std::tuple{"RANK", "WORLD_SIZE", "torchrun"},
                                           std::tuple{"SLURM_PROCID", "SLURM_NTASKS", "slurm"}}) {
    const char* k = getenv(rank);
    const char* n = getenv(size);
    if (k && n && *k && *n)
      return shard_of(k, n, source, std::string(rank) + "=" + k + ", " + size + "=" + n);
  }
  return {};
}

std::vector<fs::path> files_of_shard(std::vector<fs::path> files, const Shard& shard) {
  std::sort(files.begin(), files.end());
  std::vector<fs::path> mine;
  for (std::size_t i = static_cast<std::size_t>(shard.index); i < files.size(); i += static_cast<std::size_t>(shard.count))
    mine.push_back(files[i]);
  return mine;
}

}  // namespace xnet
