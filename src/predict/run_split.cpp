#include "predict/run_split.hpp"

#include <fstream>
#include <map>

#include "core/error.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

std::string unquoted(std::string cell) {
  while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
  if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') cell = cell.substr(1, cell.size() - 2);
  return cell;
}

// image (as written in split.csv) -> split name.
std::map<std::string, std::string> read_split_csv(const fs::path& csv) {
  std::ifstream in(csv);
  if (!in) throw file_error(csv, "cannot open (needed for --split; use --split all for a model outside a run)");
  std::string line;
  std::getline(in, line);
  if (unquoted(line) != "image,split") throw file_error(csv, "expected the header 'image,split', found '" + line + "'");
  std::map<std::string, std::string> splits;
  for (int row = 2; std::getline(in, line); ++row) {
    if (unquoted(line).empty()) continue;
    const auto comma = line.rfind(',');
    if (comma == std::string::npos) throw file_error(csv, "row " + std::to_string(row) + ": expected image,split");
    splits[unquoted(line.substr(0, comma))] = unquoted(line.substr(comma + 1));
  }
  return splits;
}

}  // namespace

std::vector<Sample> select_split(const Dataset& dataset, const fs::path& model_file, const std::string& split) {
  std::vector<Sample> chosen;
  if (split == "all") {
    for (const auto& s : dataset.samples)
      if (s.labelled()) chosen.push_back(s);
    if (chosen.empty()) throw file_error(dataset.root, "no labelled images");
    return chosen;
  }
  if (split != "train" && split != "val" && split != "test")
    throw UsageError("--split must be all, train, val or test (found '" + split + "')");
  const fs::path csv = model_file.parent_path() / "split.csv";
  const auto splits = read_split_csv(csv);
  for (const auto& s : dataset.samples) {
    // split.csv names images as the manifest does (relative to DATA); a bare stem is accepted too.
    auto it = splits.find(s.image.lexically_relative(dataset.root).generic_string());
    if (it == splits.end()) it = splits.find(s.name);
    if (it != splits.end() && it->second == split && s.labelled()) chosen.push_back(s);
  }
  if (chosen.empty())
    throw file_error(csv, "no labelled image of " + dataset.root.string() + " is in the '" + split +
                              "' split (is this the dataset the model was trained on?)");
  return chosen;
}

}  // namespace xnet
