#include "train/split.hpp"

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

std::vector<SplitPart> read_split_csv(const std::filesystem::path& file,
                                      const std::vector<std::string>& images) {
  std::ifstream in(file);
  if (!in) throw file_error(file, "cannot read split file");
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line != "image,split") throw file_error(file, "expected header 'image,split', found '" + line + "'");
  std::map<std::string, SplitPart> listed;
  int row = 1;
  while (std::getline(in, line)) {
    ++row;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto comma = line.rfind(',');
    if (comma == std::string::npos)
      throw file_error(file, "line " + std::to_string(row) + ": expected 'image,split'");
    try {
      listed[line.substr(0, comma)] = parse_split_part(line.substr(comma + 1));
    } catch (const Error& e) {
      throw file_error(file, "line " + std::to_string(row) + ": " + e.what());
    }
  }
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

}  // namespace xnet
