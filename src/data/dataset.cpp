#include "data/dataset.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/error.hpp"
#include "data/label_values.hpp"
#include "data/manifest.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Folder pairing and empty manifest cells: the category is the stem's prefix before the
// first '_' (contract.md), e.g. "hand_017" -> "hand".
std::string category_from_stem(const std::string& stem) { return stem.substr(0, stem.find('_')); }

void add_if_present(Sample sample, const std::string& where, DatasetListing& out) {
  bool present = true;
  if (!fs::is_regular_file(sample.image)) {
    out.problems.push_back(dataset_problem(sample.image, "image not found" + where));
    present = false;
  }
  if (sample.labelled() && !fs::is_regular_file(sample.mask)) {
    out.problems.push_back(dataset_problem(sample.mask, "mask not found" + where));
    present = false;
  }
  if (present) out.dataset.samples.push_back(std::move(sample));
}

void list_manifest(const fs::path& manifest, DatasetListing& out) {
  std::vector<CsvRecord> records;
  try {
    const std::string text = read_text_file(manifest);
    try {
      records = parse_csv(text);
    } catch (const Error& e) {
      out.problems.push_back(dataset_problem(manifest, e.what()));
      return;
    }
  } catch (const Error& e) {
    out.problems.push_back({manifest, e.what()});
    return;
  }
  if (records.empty()) {
    out.problems.push_back(dataset_problem(manifest, "empty file (expected the header image,mask,category)"));
    return;
  }
  std::map<std::string, std::size_t> column;
  std::string found;
  for (std::size_t i = 0; i < records[0].fields.size(); ++i) {
    const std::string name = lower(trim(records[0].fields[i]));
    column.emplace(name, i);
    found += (i ? "," : "") + records[0].fields[i];
  }
  if (!column.count("image") || !column.count("mask") || !column.count("category")) {
    out.problems.push_back(dataset_problem(
        manifest, "line 1: header must be image,mask,category (found '" + found + "')"));
    return;
  }
  const std::size_t width = records[0].fields.size();
  std::map<std::string, int> first_line_of_image;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& row = records[r];
    const std::string line = "line " + std::to_string(row.line);
    if (row.fields.size() != width) {
      out.problems.push_back(dataset_problem(manifest, line + ": expected " + std::to_string(width) +
                                                           " fields, found " + std::to_string(row.fields.size())));
      continue;
    }
    const std::string image = trim(row.fields[column["image"]]);
    const std::string mask = trim(row.fields[column["mask"]]);
    const std::string category = trim(row.fields[column["category"]]);
    const std::string polarity = column.count("polarity") ? lower(trim(row.fields[column["polarity"]])) : "";
    if (polarity != "" && polarity != "raw" && polarity != "display") {
      out.problems.push_back(dataset_problem(manifest, line + ": polarity must be raw, display or empty (found '" +
                                                           polarity + "')"));
      continue;
    }
    if (image.empty()) {
      out.problems.push_back(dataset_problem(manifest, line + ": empty image path"));
      continue;
    }
    const auto [first, inserted] =
        first_line_of_image.emplace(fs::path(image).lexically_normal().generic_string(), row.line);
    if (!inserted) {
      out.problems.push_back(dataset_problem(manifest, line + ": duplicate row, image '" + image +
                                                           "' is already listed on line " +
                                                           std::to_string(first->second)));
      continue;
    }
    Sample s;
    s.image = manifest.parent_path() / image;
    if (!mask.empty()) s.mask = manifest.parent_path() / mask;
    s.name = fs::path(image).stem().string();
    s.category = category.empty() ? category_from_stem(s.name) : category;
    s.polarity = polarity;
    add_if_present(std::move(s), " (manifest.csv " + line + ")", out);
  }
}

// Files under dir keyed by their path relative to dir without the extension ("hand/a").
std::map<std::string, fs::path> files_by_stem(const fs::path& dir, DatasetListing& out) {
  std::map<std::string, fs::path> files;
  std::vector<fs::path> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const fs::path& p = entry.path();
    if (entry.is_regular_file() && p.filename().string()[0] != '.' && is_radiograph_file(p))
      found.push_back(p);
  }
  std::sort(found.begin(), found.end());
  for (const fs::path& p : found) {
    const std::string key = fs::relative(p, dir).replace_extension().generic_string();
    const auto [it, inserted] = files.emplace(key, p);
    if (!inserted)
      out.problems.push_back(dataset_problem(
          p, "same stem as " + it->second.string() + " (images and masks are paired by stem)"));
  }
  return files;
}

void list_folders(const fs::path& root, DatasetListing& out) {
  const fs::path images_dir = root / "images", masks_dir = root / "masks";
  if (!fs::is_directory(images_dir)) {
    out.problems.push_back(dataset_problem(
        root, "no manifest.csv and no images/ folder (expected DATA/manifest.csv, or DATA/images "
              "and DATA/masks with matching stems)"));
    return;
  }
  const auto images = files_by_stem(images_dir, out);
  const auto masks = fs::is_directory(masks_dir) ? files_by_stem(masks_dir, out)
                                                 : std::map<std::string, fs::path>{};
  for (const auto& [key, mask] : masks)
    if (!images.count(key))
      out.problems.push_back(dataset_problem(mask, "mask has no image with the same stem in " +
                                                       images_dir.string()));
  for (const auto& [key, image] : images) {
    Sample s;
    s.image = image;
    const auto m = masks.find(key);
    if (m != masks.end()) s.mask = m->second;
    s.name = image.stem().string();
    s.category = category_from_stem(s.name);
    out.dataset.samples.push_back(std::move(s));
  }
}

}  // namespace

DatasetProblem dataset_problem(const fs::path& file, const std::string& what) {
  return {file, file_error(file, what).what()};
}

std::vector<std::string> Dataset::categories() const {
  std::set<std::string> unique;
  for (const Sample& s : samples) unique.insert(s.category);
  return {unique.begin(), unique.end()};
}

std::size_t Dataset::labelled_count() const {
  return std::count_if(samples.begin(), samples.end(), [](const Sample& s) { return s.labelled(); });
}

DatasetListing list_dataset(const fs::path& root) {
  DatasetListing out;
  out.dataset.root = root;
  if (!fs::is_directory(root)) {
    out.problems.push_back(dataset_problem(root, fs::exists(root) ? "not a folder" : "dataset folder not found"));
    return out;
  }
  try {
    if (fs::exists(root / "manifest.csv"))
      list_manifest(root / "manifest.csv", out);
    else
      list_folders(root, out);
  } catch (const fs::filesystem_error& e) {
    out.problems.push_back(dataset_problem(e.path1().empty() ? root : e.path1(), e.code().message()));
  }
  if (out.dataset.samples.empty() && out.problems.empty())
    out.problems.push_back(dataset_problem(root, "empty dataset: no images listed"));
  return out;
}

Dataset load_dataset(const fs::path& root) {
  DatasetListing listing = list_dataset(root);
  if (listing.problems.empty()) return std::move(listing.dataset);
  std::string message = listing.problems.front().message;
  if (listing.problems.size() > 1)
    message += " (and " + std::to_string(listing.problems.size() - 1) +
               " more problems; 'xnet check " + root.string() + "' lists them)";
  throw Error(message);
}

cv::Mat read_labels_checked(const Sample& sample) {
  if (!sample.labelled()) throw file_error(sample.image, "has no mask (unlabelled sample)");
  cv::Mat labels = read_label_map(sample.mask);
  const std::string invalid = describe_invalid_labels(labels, count_labels(labels));
  if (!invalid.empty()) throw file_error(sample.mask, invalid);
  return labels;
}

LabelledRadiograph read_labelled(const Sample& sample) {
  LabelledRadiograph out{read_radiograph(sample.image), read_labels_checked(sample)};
  const std::string mismatch = describe_size_mismatch(out.labels, out.image.pixels, sample.image);
  if (!mismatch.empty()) throw file_error(sample.mask, mismatch);
  return out;
}

}  // namespace xnet
