// check_dataset: every problem found and named; per-category counts and class fractions.
#include <gtest/gtest.h>

#include <fstream>

#include "core/atomic_file.hpp"
#include "data/dataset_check.hpp"
#include "data/test/dataset_fixture.hpp"
#include "io/test/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace xnet;

namespace {

std::string all_problems(const DatasetCheck& check) {
  std::string out;
  for (const DatasetProblem& p : check.problems) out += p.message + "\n";
  return out;
}

// Asserts that exactly one problem was found and that it contains `expected`.
void expect_one_problem(const fs::path& root, const std::string& expected) {
  const DatasetCheck check = check_dataset(root, 2);
  EXPECT_FALSE(check.usable());
  EXPECT_EQ(check.problems.size(), 1u) << all_problems(check);
  EXPECT_NE(all_problems(check).find(expected), std::string::npos) << all_problems(check);
}

// hand_1, hand_2 (labelled) and knee_1 (unlabelled) listed in a manifest.
fs::path manifest_dataset() {
  const fs::path root = test::scratch_dir();
  test::write_sample(root, "images/hand_1.png", "masks/hand_1.png");
  test::write_sample(root, "images/hand_2.png", "masks/hand_2.png");
  test::write_sample(root, "images/knee_1.png", "");
  write_text_atomically(root / "manifest.csv",
                        "image,mask,category\nimages/hand_1.png,masks/hand_1.png,hand\n"
                        "images/hand_2.png,masks/hand_2.png,hand\nimages/knee_1.png,,knee\n");
  return root;
}

}  // namespace

TEST(DatasetCheck, CleanDatasetCountsAndFractions) {
  const fs::path root = manifest_dataset();
  cv::Mat labels = read_label_map(root / "masks/hand_2.png");
  labels.row(0).setTo(255);  // ignored pixels are left out of the class fractions
  write_label_map(root / "masks/hand_2.png", labels);
  const DatasetCheck check = check_dataset(root, 2);
  EXPECT_TRUE(check.usable()) << all_problems(check);
  ASSERT_EQ(check.categories.size(), 2u);
  const CategorySummary& hand = check.categories[0];
  EXPECT_EQ(hand.category, "hand");
  EXPECT_EQ(hand.images, 2);
  EXPECT_EQ(hand.labelled, 2);
  // 12 columns: x < 4 -> 0, 4..7 -> 1, 8..11 -> 2; hand_2 loses its first row (12 pixels).
  EXPECT_EQ(hand.class_pixels[0], 4u * 8 + 4 * 7);
  EXPECT_EQ(hand.class_pixels[2], 4u * 8 + 4 * 7);
  EXPECT_EQ(hand.ignored_pixels, 12u);
  EXPECT_DOUBLE_EQ(hand.fraction(1), 1.0 / 3);
  EXPECT_EQ(check.categories[1].images, 1);
  EXPECT_EQ(check.categories[1].labelled, 0);
  EXPECT_EQ(check.total.images, 3);
  const std::string table = format_category_table(check);
  EXPECT_NE(table.find("soft_tissue"), std::string::npos) << table;
  EXPECT_EQ(table.find("collimator"), std::string::npos) << table;  // no class 3 in any mask
  EXPECT_NE(table.find("33.3%"), std::string::npos) << table;
}

TEST(DatasetCheck, MissingImage) {
  const fs::path root = manifest_dataset();
  fs::remove(root / "images/hand_2.png");
  expect_one_problem(root, (root / "images/hand_2.png").string() + ": image not found (manifest.csv line 3)");
}

TEST(DatasetCheck, UnreadableImage) {
  const fs::path root = manifest_dataset();
  std::ofstream(root / "images/hand_1.png", std::ios::trunc) << "truncated";
  expect_one_problem(root, (root / "images/hand_1.png").string() + ": not a PNG file");
}

TEST(DatasetCheck, MaskOfWrongSize) {
  const fs::path root = manifest_dataset();
  write_label_map(root / "masks/hand_1.png", cv::Mat(9, 12, CV_8U, cv::Scalar(0)));
  expect_one_problem(root, (root / "masks/hand_1.png").string() + ": mask is 12x9 but its image " +
                               (root / "images/hand_1.png").string() + " is 12x8");
}

TEST(DatasetCheck, InvalidLabelValueWithValueAndPlace) {
  const fs::path root = manifest_dataset();
  cv::Mat labels = read_label_map(root / "masks/hand_2.png");
  labels.at<uchar>(4, 9) = 128;
  write_label_map(root / "masks/hand_2.png", labels);
  expect_one_problem(root, (root / "masks/hand_2.png").string() +
                               ": invalid label value 128 at (x=9, y=4), 1 pixel (allowed: 0-3, 255)");
}

TEST(DatasetCheck, DuplicateRow) {
  const fs::path root = manifest_dataset();
  std::ofstream(root / "manifest.csv", std::ios::app) << "./images/hand_1.png,masks/hand_1.png,hand\n";
  expect_one_problem(root, (root / "manifest.csv").string() +
                               ": line 5: duplicate row, image './images/hand_1.png' is already listed on line 2");
}

TEST(DatasetCheck, BadHeaderAndBadRow) {
  const fs::path root = manifest_dataset();
  write_text_atomically(root / "manifest.csv", "img,label\nimages/hand_1.png,masks/hand_1.png\n");
  expect_one_problem(root, "manifest.csv: line 1: header must be image,mask,category (found 'img,label')");
  write_text_atomically(root / "manifest.csv", "image,mask,category\nimages/hand_1.png,masks/hand_1.png\n");
  expect_one_problem(root, "manifest.csv: line 2: expected 3 fields, found 2");
}

TEST(DatasetCheck, EmptyDataset) {
  const fs::path root = test::scratch_dir();
  write_text_atomically(root / "manifest.csv", "image,mask,category\n");
  expect_one_problem(root, root.string() + ": empty dataset: no images listed");
  fs::remove(root / "manifest.csv");
  expect_one_problem(root, root.string() + ": no manifest.csv and no images/ folder");
}

TEST(DatasetCheck, UnlabelledOnlyIsNotUsable) {
  const fs::path root = test::scratch_dir();
  test::write_sample(root, "images/a.png", "");
  expect_one_problem(root, "no labelled images");
}

TEST(DatasetCheck, CollectsEveryProblemInFolderLayout) {
  const fs::path root = test::scratch_dir();
  test::write_sample(root, "images/hand_1.png", "masks/hand_1.png");
  test::write_sample(root, "images/hand_2.png", "masks/hand_2.png", 12, 8);
  write_label_map(root / "masks/hand_2.png", cv::Mat(8, 10, CV_8U, cv::Scalar(9)));
  test::write_sample(root, "images/foot_1.png", "masks/foot_1.png");
  fs::remove(root / "images/foot_1.png");  // the mask is left without its image
  const DatasetCheck check = check_dataset(root, 2);
  const std::string problems = all_problems(check);
  EXPECT_EQ(check.problems.size(), 3u) << problems;
  EXPECT_NE(problems.find((root / "masks/foot_1.png").string() + ": mask has no image"), std::string::npos) << problems;
  EXPECT_NE(problems.find((root / "masks/hand_2.png").string() + ": invalid label value 9 at (x=0, y=0), 80 pixels"),
            std::string::npos) << problems;
  EXPECT_NE(problems.find((root / "masks/hand_2.png").string() + ": mask is 10x8"), std::string::npos) << problems;
  EXPECT_EQ(check.total.images, 2);
}
