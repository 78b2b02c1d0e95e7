// Split rules of reference.md on crafted category lists, split.csv round trip, folds and
// category balancing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/error.hpp"
#include "data/split.hpp"

namespace fs = std::filesystem;
using namespace xnet;

namespace {

// 100 images: hand 40, knee 30, ankle 20, foot 5, and five single-image categories.
std::vector<std::string> crafted_categories() {
  std::vector<std::string> c;
  for (const auto& [name, n] : std::vector<std::pair<std::string, int>>{
           {"hand", 40}, {"knee", 30}, {"ankle", 20}, {"foot", 5}, {"pmma", 1}, {"foil", 1},
           {"breast", 1}, {"lamb", 1}, {"neck", 1}})
    for (int i = 0; i < n; ++i) c.push_back(name);
  return c;
}

std::map<std::string, int> count_in(const std::vector<std::string>& cats,
                                    const std::vector<SplitPart>& parts, SplitPart part) {
  std::map<std::string, int> counts;
  for (std::size_t i = 0; i < cats.size(); ++i)
    if (parts[i] == part) ++counts[cats[i]];
  return counts;
}

}  // namespace

TEST(Split, SeventyFifteenFifteen) {
  const auto cats = crafted_categories();
  const auto parts = make_split(cats, {}, 7);
  EXPECT_EQ(indices_of(parts, SplitPart::train).size(), 70u);
  EXPECT_EQ(indices_of(parts, SplitPart::test).size(), 15u);
  EXPECT_EQ(indices_of(parts, SplitPart::val).size(), 15u);
}

TEST(Split, SingleImageCategoriesNeverTrainAndEveryCategoryIsHeldOut) {
  const auto cats = crafted_categories();
  for (std::uint64_t seed : {1u, 2u, 3u, 99u}) {
    const auto parts = make_split(cats, {}, seed);
    const auto train = count_in(cats, parts, SplitPart::train);
    for (const char* single : {"pmma", "foil", "breast", "lamb", "neck"}) EXPECT_EQ(train.count(single), 0u);
    // Every category with several images keeps at least one training image.
    for (const char* several : {"hand", "knee", "ankle", "foot"}) EXPECT_GE(train.at(several), 1);
    auto held = count_in(cats, parts, SplitPart::test);
    for (const auto& [c, n] : count_in(cats, parts, SplitPart::val)) held[c] += n;
    EXPECT_EQ(held.size(), 9u) << "every category is in the held-out part";
  }
}

TEST(Split, DeterministicBySeed) {
  const auto cats = crafted_categories();
  EXPECT_EQ(make_split(cats, {}, 5), make_split(cats, {}, 5));
  EXPECT_NE(make_split(cats, {}, 5), make_split(cats, {}, 6));
}

TEST(Split, TwoImageCategoryKeepsOneForTraining) {
  // Held-out target (30 % of 4 = 1.2 -> 1) is met by the representatives; "a" keeps one.
  const std::vector<std::string> cats = {"a", "a", "b", "c"};
  const auto parts = make_split(cats, {}, 3);
  EXPECT_EQ(count_in(cats, parts, SplitPart::train).at("a"), 1);
  EXPECT_EQ(indices_of(parts, SplitPart::train).size(), 1u);
}

TEST(Split, ValidationOnlyWhenTestFractionIsZero) {
  const auto cats = crafted_categories();
  const auto parts = make_split(cats, {0.15, 0.0}, 1);
  EXPECT_TRUE(indices_of(parts, SplitPart::test).empty());
  EXPECT_EQ(indices_of(parts, SplitPart::val).size(), 15u);
}

TEST(Split, CsvRoundTripAndErrors) {
  const fs::path dir = fs::temp_directory_path() / "xnet_split_test";
  fs::create_directories(dir);
  const std::vector<std::string> images = {"images/a.png", "images/b.png", "images/c.png"};
  const std::vector<SplitPart> parts = {SplitPart::train, SplitPart::test, SplitPart::val};
  write_split_csv(dir / "split.csv", images, parts);
  EXPECT_EQ(read_split_csv(dir / "split.csv", images), parts);
  // The order of the dataset may differ from the file's.
  EXPECT_EQ(read_split_csv(dir / "split.csv", {"images/c.png", "images/a.png", "images/b.png"}),
            (std::vector<SplitPart>{SplitPart::val, SplitPart::train, SplitPart::test}));
  try {
    read_split_csv(dir / "split.csv", {"images/a.png", "images/b.png", "images/c.png", "images/d.png"});
    FAIL() << "missing image accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("images/d.png"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("split.csv"), std::string::npos);
  }
  EXPECT_THROW(read_split_csv(dir / "split.csv", {"images/a.png", "images/b.png"}), Error);
  { std::ofstream(dir / "bad.csv") << "image,split\nimages/a.png,holdout\n"; }
  EXPECT_THROW(read_split_csv(dir / "bad.csv", {"images/a.png"}), Error);
  fs::remove_all(dir);
}

TEST(Split, OneReaderTakesASpreadsheetsQuotesAndLineEnds) {
  // Training (resuming a split) and evaluate/calibrate (choosing a part) read split.csv through
  // the same reader, so a file saved by a spreadsheet means the same to both.
  const fs::path dir = fs::temp_directory_path() / "xnet_split_quoted_test";
  fs::create_directories(dir);
  { std::ofstream(dir / "split.csv") << "\"image\",\"split\"\r\n\"images/a.png\",\"train\"\r\nimages/b.png,test\r\n\r\n"; }
  const auto listed = read_split_file(dir / "split.csv");
  EXPECT_EQ(listed, (std::map<std::string, SplitPart>{{"images/a.png", SplitPart::train}, {"images/b.png", SplitPart::test}}));
  EXPECT_EQ(read_split_csv(dir / "split.csv", {"images/b.png", "images/a.png"}),
            (std::vector<SplitPart>{SplitPart::test, SplitPart::train}));
  { std::ofstream(dir / "split.csv") << "image,split\nimages/a.png,train\nimages/b.png,holdout\n"; }
  try {
    read_split_file(dir / "split.csv");
    FAIL() << "unknown part accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("split.csv"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

TEST(Folds, StratifiedSpreadsEveryCategory) {
  const auto cats = crafted_categories();
  const auto folds = stratified_folds(cats, 5, 4);
  std::map<int, int> size;
  std::map<std::string, std::map<int, int>> per_cat;
  for (std::size_t i = 0; i < cats.size(); ++i) {
    ++size[folds[i]];
    ++per_cat[cats[i]][folds[i]];
  }
  for (const auto& [f, n] : size) EXPECT_EQ(n, 20) << "fold " << f;
  for (const char* c : {"hand", "knee", "ankle", "foot"}) {
    ASSERT_EQ(per_cat[c].size(), 5u) << c;
    const auto [lo, hi] = std::minmax_element(per_cat[c].begin(), per_cat[c].end(),
        [](auto& a, auto& b) { return a.second < b.second; });
    EXPECT_LE(hi->second - lo->second, 1) << c;
  }
  EXPECT_EQ(folds, stratified_folds(cats, 5, 4));
  EXPECT_THROW(stratified_folds(cats, 1, 4), UsageError);
}

TEST(Folds, LeaveCategoryOut) {
  const std::vector<std::string> cats = {"knee", "hand", "knee", "ankle"};
  std::vector<std::string> names;
  const auto folds = category_folds(cats, &names);
  EXPECT_EQ(names, (std::vector<std::string>{"ankle", "hand", "knee"}));
  EXPECT_EQ(folds, (std::vector<int>{2, 1, 2, 0}));
}
