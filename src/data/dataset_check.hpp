#pragma once
// `xnet check DATA`: every problem of a dataset, and what it holds per category.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/labels.hpp"
#include "data/dataset.hpp"

namespace xnet {

struct CategorySummary {
  std::string category;  // "all" for the total
  int images = 0;
  int labelled = 0;
  std::array<std::uint64_t, label::max_classes> class_pixels{};
  std::uint64_t ignored_pixels = 0;  // label 255

  // Share of class c among the labelled, not-ignored pixels (0 when there are none).
  double fraction(int c) const;
};

struct DatasetCheck {
  std::filesystem::path root;
  std::vector<DatasetProblem> problems;     // in dataset order, each naming its file
  std::vector<CategorySummary> categories;  // sorted by name
  CategorySummary total;
  bool usable() const { return problems.empty(); }
};

// Lists the dataset and decodes every image and mask on `threads` threads (0 = all cores),
// collecting every problem: structural ones (list_dataset), unreadable files, image/mask size
// mismatch, invalid label values, no labelled images at all.
DatasetCheck check_dataset(const std::filesystem::path& root, int threads = 0);

// The per-category table: images, labelled images, class pixel fractions.
std::string format_category_table(const DatasetCheck& check);

}  // namespace xnet
