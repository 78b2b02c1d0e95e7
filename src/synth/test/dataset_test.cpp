// Whole synthetic images and datasets: intensity order, labels, determinism, categories.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/labels.hpp"
#include "io/radiograph.hpp"
#include "synth/anatomy.hpp"
#include "synth/generator.hpp"

namespace fs = std::filesystem;

namespace xnet::synth {
namespace {

std::array<double, 3> class_means(const SyntheticImage& image, std::array<int, 3>& counts) {
  std::array<double, 3> sum{};
  counts = {};
  for (int y = 0; y < image.labels.rows; ++y)
    for (int x = 0; x < image.labels.cols; ++x) {
      const int l = image.labels.at<std::uint8_t>(y, x);
      if (l > label::bone) continue;
      sum[l] += image.pixels.at<float>(y, x);
      ++counts[l];
    }
  for (int c = 0; c < 3; ++c) sum[c] /= std::max(counts[c], 1);
  return sum;
}

TEST(Synthesize, RawOpenBeamBrighterThanSoftTissueBrighterThanBone) {
  int checked = 0;
  const auto& names = category_names();
  for (int i = 0; i < 3 * static_cast<int>(names.size()); ++i) {
    const SyntheticImage image = synthesize(names[i % names.size()], 5, i, 128, Polarity::raw, true);
    std::array<int, 3> n;
    const auto mean = class_means(image, n);
    if (n[0] < 10 || n[1] < 10 || n[2] < 10) continue;
    ++checked;
    EXPECT_GT(mean[0], mean[1]) << image.category << " #" << i;
    // Not in a chest: most of its bone (ribs) lies over the air-filled lungs, most of its
    // soft tissue is mediastinum and abdomen; chest_breast_test checks lungs against heart.
    if (image.category != "chest") EXPECT_GT(mean[1], mean[2]) << image.category << " #" << i;
  }
  EXPECT_GT(checked, 12);
}

TEST(Synthesize, DisplayShowsBoneBrightAndOpenBeamDark) {
  int checked = 0;
  for (int i = 0; i < 8; ++i) {
    const SyntheticImage image = synthesize(i % 2 ? "hand" : "knee", 9, i, 128, Polarity::display, false);
    ASSERT_TRUE(image.display);
    double lo, hi;
    cv::minMaxLoc(image.pixels, &lo, &hi);
    EXPECT_GE(lo, 0.0);
    EXPECT_LE(hi, 255.0);
    std::array<int, 3> n;
    const auto mean = class_means(image, n);
    if (n[0] < 10 || n[2] < 10) continue;
    ++checked;
    EXPECT_LT(mean[0], mean[2]) << image.category << " #" << i;
  }
  EXPECT_GT(checked, 2);
}

TEST(Synthesize, UnknownCategoryIsAnError) {
  EXPECT_THROW(synthesize("tail", 1, 0, 64, Polarity::raw, false), Error);
}

TEST(Categories, AtLeastTenWithoutUnderscore) {
  const auto& names = category_names();
  EXPECT_GE(names.size(), 10u);
  for (const auto& n : names) EXPECT_EQ(n.find('_'), std::string::npos) << n;
  const auto balanced = assign_categories(3 * static_cast<int>(names.size()), 4, false);
  std::map<std::string, int> count;
  for (const auto& c : balanced) ++count[c];
  EXPECT_EQ(count.size(), names.size());
  for (const auto& [name, k] : count) EXPECT_EQ(k, 3) << name;
}

TEST(Categories, ImbalanceLeavesSomeWithASingleImage) {
  const auto categories = assign_categories(200, 4, true);
  ASSERT_EQ(categories.size(), 200u);
  std::map<std::string, int> count;
  for (const auto& c : categories) ++count[c];
  EXPECT_EQ(count.size(), category_names().size());
  int singles = 0, largest = 0;
  for (const auto& [name, k] : count) {
    singles += k == 1;
    largest = std::max(largest, k);
  }
  EXPECT_GE(singles, 2);
  EXPECT_GE(largest, 40);
  EXPECT_NE(assign_categories(200, 5, true), categories);  // the seed decides which
}

std::map<std::string, std::string> read_tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) {
      std::ifstream in(e.path(), std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      files[fs::relative(e.path(), root).string()] = s.str();
    }
  return files;
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("xnet_synth_test_" + std::to_string(::getpid()));
  TempDir() { fs::remove_all(path); }
  ~TempDir() { fs::remove_all(path); }
};

TEST(Dataset, SameSeedSameBytesWhateverTheThreadCount) {
  TempDir tmp;
  SynthOptions o;
  o.count = 12;
  o.size = 96;
  o.seed = 42;
  o.polarity = Polarity::mixed;
  o.threads = 1;
  write_synthetic_dataset(tmp.path / "one", o);
  o.threads = 3;
  write_synthetic_dataset(tmp.path / "three", o);
  const auto one = read_tree(tmp.path / "one"), three = read_tree(tmp.path / "three");
  ASSERT_EQ(one.size(), 2u * 12 + 2);  // images, masks, manifest, synth.json
  EXPECT_TRUE(one == three);
  o.seed = 43;
  write_synthetic_dataset(tmp.path / "other", o);
  EXPECT_NE(read_tree(tmp.path / "other").at("manifest.csv").size(), 0u);
  EXPECT_FALSE(read_tree(tmp.path / "other") == one);
}

TEST(Dataset, ContractFormatLabelsAndFields) {
  TempDir tmp;
  for (bool collimator_class : {false, true}) {
    SynthOptions o;
    o.count = static_cast<int>(category_names().size());  // one of each
    o.size = 80;
    o.collimator_class = collimator_class;
    o.polarity = Polarity::mixed;
    o.preview = tmp.path / "grid.png";
    const fs::path out = tmp.path / (collimator_class ? "c" : "i");
    write_synthetic_dataset(out, o);
    std::ifstream manifest(out / "manifest.csv");
    std::string line;
    std::getline(manifest, line);
    EXPECT_EQ(line, "image,mask,category,polarity");
    std::set<std::string> categories;
    int rows = 0;
    const auto json = nlohmann::json::parse(std::ifstream(out / "synth.json"));
    while (std::getline(manifest, line)) {
      std::vector<std::string> fields;
      std::stringstream row(line);
      for (std::string field; std::getline(row, field, ',');) fields.push_back(field);
      ASSERT_EQ(fields.size(), 4u) << line;
      const std::string &image = fields[0], &mask = fields[1], &category = fields[2];
      EXPECT_EQ(fields[3], json["images"][rows]["polarity"]) << line;
      categories.insert(category);
      EXPECT_EQ(fs::path(image).filename().string().rfind(category + "_", 0), 0u) << image;
      const Radiograph r = read_radiograph(out / image);
      const auto& entry = json["images"][rows];
      EXPECT_EQ(entry["image"], image);
      EXPECT_EQ(r.bit_depth, entry["polarity"] == "raw" ? 16 : 8);
      const cv::Mat labels = read_label_map(out / mask);
      EXPECT_EQ(labels.size(), r.pixels.size());
      std::set<int> values;
      for (auto it = labels.begin<std::uint8_t>(); it != labels.end<std::uint8_t>(); ++it) values.insert(*it);
      for (int v : values) {
        EXPECT_TRUE(v <= label::bone || v == (collimator_class ? label::collimator : label::ignore))
            << mask << " has " << v;
      }
      // Behind the blades exactly where the recorded field says so.
      const bool present = entry["collimator"]["present"];
      EXPECT_EQ(present, values.count(collimator_class ? label::collimator : label::ignore) > 0) << mask;
      EXPECT_GE(entry["collimator"]["polygon"].size(), 3u);
      ++rows;
    }
    EXPECT_EQ(rows, o.count);
    EXPECT_EQ(categories.size(), category_names().size());
    EXPECT_TRUE(fs::exists(tmp.path / "grid.png"));
  }
}

TEST(Dataset, RejectsBadSizes) {
  TempDir tmp;
  SynthOptions o;
  o.count = 1;
  o.size = 8;
  EXPECT_THROW(write_synthetic_dataset(tmp.path, o), UsageError);
}

}  // namespace
}  // namespace xnet::synth
