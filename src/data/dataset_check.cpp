#include "data/dataset_check.hpp"

#include <map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/threads.hpp"
#include "data/label_values.hpp"
#include "data/parallel_for.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

struct SampleCheck {
  std::vector<DatasetProblem> problems;
  LabelCounts counts;
  bool counted = false;  // the mask was read and is valid
};

// Decodes one sample's image and mask; never throws, every failure becomes a problem.
SampleCheck check_sample(const Sample& sample) {
  SampleCheck out;
  cv::Mat image;
  try {
    image = read_radiograph(sample.image).pixels;
  } catch (const std::exception& e) {
    out.problems.push_back({sample.image, e.what()});
  }
  if (!sample.labelled()) return out;
  cv::Mat labels;
  try {
    labels = read_label_map(sample.mask);
  } catch (const std::exception& e) {
    out.problems.push_back({sample.mask, e.what()});
    return out;
  }
  out.counts = count_labels(labels);
  const std::string invalid = describe_invalid_labels(labels, out.counts);
  if (!invalid.empty()) out.problems.push_back(dataset_problem(sample.mask, invalid));
  if (!image.empty()) {
    const std::string mismatch = describe_size_mismatch(labels, image, sample.image);
    if (!mismatch.empty()) out.problems.push_back(dataset_problem(sample.mask, mismatch));
  }
  out.counted = invalid.empty();
  return out;
}

void add_to(CategorySummary& summary, const Sample& sample, const SampleCheck& check) {
  ++summary.images;
  if (!sample.labelled()) return;
  ++summary.labelled;
  if (!check.counted) return;
  for (int c = 0; c < label::max_classes; ++c) summary.class_pixels[c] += check.counts.by_value[c];
  summary.ignored_pixels += check.counts.by_value[label::ignore];
}

std::string percent(double f) { return fmt::format("{:.1f}%", 100.0 * f); }

}  // namespace

double CategorySummary::fraction(int c) const {
  std::uint64_t total = 0;
  for (const std::uint64_t n : class_pixels) total += n;
  return total ? static_cast<double>(class_pixels[c]) / total : 0.0;
}

DatasetCheck check_dataset(const fs::path& root, int threads) {
  DatasetListing listing = list_dataset(root);
  DatasetCheck check;
  check.root = root;
  check.problems = std::move(listing.problems);
  const std::vector<Sample>& samples = listing.dataset.samples;

  std::vector<SampleCheck> results(samples.size());
  if (!samples.empty()) {
    Progress progress("check", samples.size());
    parallel_for(samples.size(), resolve_threads(threads), [&](std::size_t i) {
      results[i] = check_sample(samples[i]);
      progress.advance();
    });
  }

  std::map<std::string, CategorySummary> by_category;
  check.total.category = "all";
  for (std::size_t i = 0; i < samples.size(); ++i) {
    for (DatasetProblem& p : results[i].problems) check.problems.push_back(std::move(p));
    CategorySummary& summary = by_category[samples[i].category];
    summary.category = samples[i].category;
    add_to(summary, samples[i], results[i]);
    add_to(check.total, samples[i], results[i]);
  }
  for (auto& [name, summary] : by_category) check.categories.push_back(std::move(summary));
  if (!samples.empty() && check.total.labelled == 0)
    check.problems.push_back(dataset_problem(
        root, "no labelled images: every image lacks a mask (nothing to train or evaluate on)"));
  return check;
}

std::string format_category_table(const DatasetCheck& check) {
  // The collimator column only when some mask uses class 3 (it is optional, contract.md).
  const int classes = check.total.class_pixels[label::collimator] ? label::max_classes : label::max_classes - 1;
  std::size_t width = 8;
  for (const CategorySummary& s : check.categories) width = std::max(width, s.category.size());
  std::string out = fmt::format("{:<{}}  {:>6}  {:>8}", "category", width, "images", "labelled");
  for (int c = 0; c < classes; ++c) out += fmt::format("  {:>11}", label::names[c]);
  out += fmt::format("  {:>7}\n", "ignored");
  const auto row = [&](const CategorySummary& s) {
    std::string line = fmt::format("{:<{}}  {:>6}  {:>8}", s.category, width, s.images, s.labelled);
    std::uint64_t all = s.ignored_pixels;
    for (const std::uint64_t n : s.class_pixels) all += n;
    // "-" where no labelled pixel was counted: 0.0% would claim a measured absence.
    for (int c = 0; c < classes; ++c)
      line += fmt::format("  {:>11}", all ? percent(s.fraction(c)) : "-");
    return line + fmt::format("  {:>7}\n", all ? percent(double(s.ignored_pixels) / all) : "-");
  };
  for (const CategorySummary& s : check.categories) out += row(s);
  return out + row(check.total);
}

}  // namespace xnet
