#include "predict/input_files.hpp"

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "io/radiograph.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

std::vector<fs::path> radiographs_in(const fs::path& folder) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied)) {
    const auto name = entry.path().filename().string();
    if (entry.is_regular_file() && !name.empty() && name[0] != '.' && is_radiograph_file(entry.path()))
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

}  // namespace xnet
