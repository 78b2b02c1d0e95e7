#include "data/split.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace xnet {

std::string to_string(SplitPart part) {
  switch (part) {
    case SplitPart::train: return "train";
    case SplitPart::val: return "val";
    case SplitPart::test: return "test";
  }
  return "train";
}

SplitPart parse_split_part(const std::string& text) {
  if (text == "train") return SplitPart::train;
  if (text == "val" || text == "validation") return SplitPart::val;
  if (text == "test") return SplitPart::test;
  throw Error("unknown split '" + text + "' (expected train, val or test)");
}

std::map<std::string, std::vector<int>> group_by_category(
    const std::vector<std::string>& categories) {
  std::map<std::string, std::vector<int>> groups;
  for (int i = 0; i < static_cast<int>(categories.size()); ++i) groups[categories[i]].push_back(i);
  return groups;
}

std::vector<SplitPart> make_split(const std::vector<std::string>& categories,
                                  const SplitFractions& fractions, std::uint64_t seed) {
  const int n = static_cast<int>(categories.size());
  std::vector<SplitPart> parts(n, SplitPart::train);
  const double held_fraction = fractions.val + fractions.test;
  if (n == 0 || held_fraction <= 0) return parts;
  std::mt19937_64 rng(seed);

  auto groups = group_by_category(categories);
  for (auto& [name, members] : groups) shuffle_deterministic(members, rng);

  // 1. One image of every category (the first of its shuffled members).
  std::vector<int> held;
  std::map<std::string, int> left_in_train;
  for (const auto& [name, members] : groups) {
    held.push_back(members.front());
    left_in_train[name] = static_cast<int>(members.size()) - 1;
  }
  // 2. Fill up to the held-out share from categories with several images, never taking the
  // last training image of a category.
  const int target = static_cast<int>(std::lround(n * held_fraction));
  std::vector<int> pool;
  for (const auto& [name, members] : groups)
    pool.insert(pool.end(), members.begin() + 1, members.end());
  shuffle_deterministic(pool, rng);
  for (int i : pool) {
    if (static_cast<int>(held.size()) >= target) break;
    int& left = left_in_train[categories[i]];
    if (left <= 1) continue;
    --left;
    held.push_back(i);
  }
  // 3. Halve: ordered by category, alternate test and validation so each category is spread
  // over both; test gets the extra image of an odd count.
  std::stable_sort(held.begin(), held.end(),
                   [&](int a, int b) { return categories[a] < categories[b]; });
  const double test_share = fractions.test / held_fraction;
  for (std::size_t i = 0; i < held.size(); ++i) {
    const bool to_test = std::ceil((i + 1) * test_share - 1e-9) > std::ceil(i * test_share - 1e-9);
    parts[held[i]] = to_test ? SplitPart::test : SplitPart::val;
  }
  return parts;
}

std::vector<int> indices_of(const std::vector<SplitPart>& parts, SplitPart part) {
  std::vector<int> out;
  for (int i = 0; i < static_cast<int>(parts.size()); ++i)
    if (parts[i] == part) out.push_back(i);
  return out;
}

void write_split_csv(const std::filesystem::path& file, const std::vector<std::string>& images,
                     const std::vector<SplitPart>& parts) {
  std::ostringstream out;
  out << "image,split\n";
  for (std::size_t i = 0; i < images.size(); ++i) out << images[i] << ',' << to_string(parts[i]) << '\n';
  write_text_atomically(file, out.str());
}

namespace {

// A cell as spreadsheets write it: trailing CR and blanks dropped, surrounding quotes removed.
std::string unquoted(std::string cell) {
  while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
  if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') cell = cell.substr(1, cell.size() - 2);
  return cell;
}

}  // namespace

std::map<std::string, SplitPart> read_split_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw file_error(file, "cannot read split file");
  std::string line;
  std::getline(in, line);
  const auto comma_at = [](const std::string& l) { return l.rfind(','); };
  const auto header = comma_at(line);
  if (header == std::string::npos || unquoted(line.substr(0, header)) != "image" ||
      unquoted(line.substr(header + 1)) != "split")
    throw file_error(file, "expected header 'image,split', found '" + unquoted(line) + "'");
  std::map<std::string, SplitPart> listed;
  for (int row = 2; std::getline(in, line); ++row) {
    if (unquoted(line).empty()) continue;
    const auto comma = comma_at(line);
    if (comma == std::string::npos)
      throw file_error(file, "line " + std::to_string(row) + ": expected 'image,split'");
    try {
      listed[unquoted(line.substr(0, comma))] = parse_split_part(unquoted(line.substr(comma + 1)));
    } catch (const Error& e) {
      throw file_error(file, "line " + std::to_string(row) + ": " + e.what());
    }
  }
  return listed;
}

std::vector<SplitPart> read_split_csv(const std::filesystem::path& file,
                                      const std::vector<std::string>& images) {
  const std::map<std::string, SplitPart> listed = read_split_file(file);
  std::vector<SplitPart> parts;
  std::set<std::string> known;
  for (const auto& image : images) {
    const auto it = listed.find(image);
    if (it == listed.end()) throw file_error(file, "image '" + image + "' of the dataset is not listed");
    parts.push_back(it->second);
    known.insert(image);
  }
  for (const auto& [image, part] : listed)
    if (!known.count(image)) throw file_error(file, "lists '" + image + "', which is not in the dataset");
  return parts;
}

std::vector<int> stratified_folds(const std::vector<std::string>& categories, int k,
                                  std::uint64_t seed) {
  if (k < 2) throw UsageError("--folds must be at least 2, got " + std::to_string(k));
  if (static_cast<int>(categories.size()) < k)
    throw Error("cannot make " + std::to_string(k) + " folds from " +
                std::to_string(categories.size()) + " labelled images");
  std::mt19937_64 rng(seed);
  std::vector<int> folds(categories.size(), 0);
  // Deal the images of each category round-robin, continuing where the previous category
  // stopped, so fold sizes never differ by more than one.
  int next = 0;
  for (auto& [name, members] : group_by_category(categories)) {
    shuffle_deterministic(members, rng);
    for (int i : members) folds[i] = next++ % k;
  }
  return folds;
}

std::vector<int> category_folds(const std::vector<std::string>& categories,
                                std::vector<std::string>* fold_names) {
  const auto groups = group_by_category(categories);
  if (groups.size() < 2) throw Error("leave-category-out needs at least two categories");
  std::vector<int> folds(categories.size(), 0);
  int f = 0;
  for (const auto& [name, members] : groups) {
    for (int i : members) folds[i] = f;
    if (fold_names) fold_names->push_back(name);
    ++f;
  }
  return folds;
}

std::vector<Sample> select_split(const Dataset& dataset, const std::filesystem::path& model_file,
                                 const std::string& split) {
  std::vector<Sample> chosen;
  if (split == "all") {
    for (const auto& s : dataset.samples)
      if (s.labelled()) chosen.push_back(s);
    if (chosen.empty()) throw file_error(dataset.root, "no labelled images");
    return chosen;
  }
  if (split != "train" && split != "val" && split != "test")
    throw UsageError("--split must be all, train, val or test (found '" + split + "')");
  const std::filesystem::path csv = model_file.parent_path() / "split.csv";
  if (!std::filesystem::exists(csv))
    throw file_error(csv, "not found (needed for --split; use --split all for a model outside a run)");
  const auto listed = read_split_file(csv);
  const SplitPart part = parse_split_part(split);
  for (const auto& s : dataset.samples) {
    auto it = listed.find(s.image.lexically_relative(dataset.root).generic_string());
    if (it == listed.end()) it = listed.find(s.name);
    if (it != listed.end() && it->second == part && s.labelled()) chosen.push_back(s);
  }
  if (chosen.empty())
    throw file_error(csv, "no labelled image of " + dataset.root.string() + " is in the '" + split +
                              "' split (is this the dataset the model was trained on?)");
  return chosen;
}

}  // namespace xnet
