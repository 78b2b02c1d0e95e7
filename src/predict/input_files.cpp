#include "predict/input_files.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/launcher.hpp"
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

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  const auto k = slash == std::string::npos ? std::nullopt : whole_number(text.substr(0, slash));
  const auto n = slash == std::string::npos ? std::nullopt : whole_number(text.substr(slash + 1));
  if (!k || !n || *n < 1 || *k >= *n)
    throw UsageError("--shard " + text + ": not a shard K/N with 0 <= K < N (K counts from 0, as torchrun's RANK)");
  return {*k, *n, "option"};
}

Shard shard_from_environment(const std::function<const char*(const char*)>& getenv) {
  if (const auto launched = launched_rank(getenv)) return {launched->rank, launched->world_size, launched->launcher};
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
