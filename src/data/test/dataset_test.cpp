// Listing datasets: manifest CSV (quoted fields), folder pairing, label checks.
#include <gtest/gtest.h>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "data/dataset.hpp"
#include "data/manifest.hpp"
#include "data/test/dataset_fixture.hpp"
#include "io/test/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace xnet;

TEST(Csv, QuotedFieldsCommasQuotesAndLineBreaks) {
  const auto records = parse_csv("\xEF\xBB\xBFimage,mask,category\r\n\"a,b.png\",,\"say \"\"hi\"\"\"\n\n"
                                 "\"two\nlines.png\",m.png,x\nlast,,");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"image", "mask", "category"}));
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"a,b.png", "", "say \"hi\""}));
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[2].fields[0], "two\nlines.png");
  EXPECT_EQ(records[2].line, 4);
  EXPECT_EQ(records[3].line, 6);
  EXPECT_EQ(records[3].fields, (std::vector<std::string>{"last", "", ""}));
  EXPECT_NE(test::error_of([] { parse_csv("a,b\n\"open,c\n"); }).find("line 2: unterminated quoted field"),
            std::string::npos);
}

TEST(Dataset, ManifestListsSamplesInOrder) {
  const fs::path root = test::scratch_dir();
  test::write_sample(root, "images/b 1.png", "masks/b 1.png");
  test::write_sample(root, "images/hand_7.tif", "");
  write_text_atomically(root / "manifest.csv",
                        "image,mask,category\n\"images/b 1.png\",\"masks/b 1.png\",\"knee, left\"\n"
                        "images/hand_7.tif,,\n");
  const Dataset d = load_dataset(root);
  ASSERT_EQ(d.samples.size(), 2u);
  EXPECT_EQ(d.samples[0].image, root / "images/b 1.png");
  EXPECT_EQ(d.samples[0].mask, root / "masks/b 1.png");
  EXPECT_EQ(d.samples[0].category, "knee, left");
  EXPECT_EQ(d.samples[0].name, "b 1");
  EXPECT_TRUE(d.samples[0].labelled());
  EXPECT_FALSE(d.samples[1].labelled());
  EXPECT_EQ(d.samples[1].category, "hand");  // empty cell: stem prefix
  EXPECT_EQ(d.categories(), (std::vector<std::string>{"hand", "knee, left"}));
  EXPECT_EQ(d.labelled_count(), 1u);
}

// The optional polarity column (xnet synth writes it): raw, display or empty; anything else
// is a problem naming the line.
TEST(Dataset, OptionalPolarityColumn) {
  const fs::path root = test::scratch_dir();
  for (const char* name : {"a", "b", "c", "d"}) test::write_sample(root, std::string("images/") + name + ".png", "");
  write_text_atomically(root / "manifest.csv",
                        "image,mask,category,polarity\nimages/a.png,,hand,raw\nimages/b.png,,hand,Display\n"
                        "images/c.png,,hand,\nimages/d.png,,hand,inverted\n");
  const DatasetListing listing = list_dataset(root);
  ASSERT_EQ(listing.dataset.samples.size(), 3u);
  EXPECT_EQ(listing.dataset.samples[0].polarity, "raw");
  EXPECT_EQ(listing.dataset.samples[1].polarity, "display");
  EXPECT_EQ(listing.dataset.samples[2].polarity, "");
  ASSERT_EQ(listing.problems.size(), 1u);
  EXPECT_NE(listing.problems[0].message.find("line 5: polarity must be raw, display or empty (found 'inverted')"),
            std::string::npos)
      << listing.problems[0].message;
}

TEST(Dataset, FolderPairingByStem) {
  const fs::path root = test::scratch_dir();
  test::write_sample(root, "images/hand_01.tif", "masks/hand_01.png");
  test::write_sample(root, "images/foot_02.png", "masks/foot_02.png");
  test::write_sample(root, "images/pmma.png", "");
  const Dataset d = load_dataset(root);
  ASSERT_EQ(d.samples.size(), 3u);
  EXPECT_EQ(d.samples[0].name, "foot_02");
  EXPECT_EQ(d.samples[0].category, "foot");
  EXPECT_EQ(d.samples[0].mask, root / "masks/foot_02.png");
  EXPECT_EQ(d.samples[1].category, "hand");
  EXPECT_EQ(d.samples[1].image, root / "images/hand_01.tif");
  EXPECT_EQ(d.samples[2].category, "pmma");
  EXPECT_FALSE(d.samples[2].labelled());
}

TEST(Dataset, LoadNamesTheFirstProblemAndCountsTheRest) {
  const fs::path root = test::scratch_dir();
  write_text_atomically(root / "manifest.csv", "image,mask,category\na.png,,x\nb.png,,x\n");
  const std::string e = test::error_of([&] { load_dataset(root); });
  EXPECT_NE(e.find((root / "a.png").string() + ": image not found (manifest.csv line 2)"), std::string::npos) << e;
  EXPECT_NE(e.find("and 1 more problems"), std::string::npos) << e;
}

TEST(Dataset, LabelsCheckedNameValuePositionAndCount) {
  const fs::path root = test::scratch_dir();
  test::write_sample(root, "images/a.png", "masks/a.png");
  cv::Mat labels = read_label_map(root / "masks/a.png");
  labels.at<uchar>(2, 5) = 7;
  labels.at<uchar>(6, 1) = 7;
  write_label_map(root / "masks/a.png", labels);
  const Sample s = load_dataset(root).samples.at(0);
  const std::string e = test::error_of([&] { read_labels_checked(s); });
  EXPECT_NE(e.find("a.png: invalid label value 7 at (x=5, y=2), 2 pixels"), std::string::npos) << e;
  labels.at<uchar>(6, 1) = 3;
  labels.at<uchar>(2, 5) = 255;
  write_label_map(root / "masks/a.png", labels);
  EXPECT_EQ(cv::countNonZero(read_labels_checked(s) != labels), 0);
}

TEST(Dataset, ReadLabelledChecksSizes) {
  const fs::path root = test::scratch_dir();
  test::write_sample(root, "images/a.png", "masks/a.png");
  write_label_map(root / "masks/a.png", cv::Mat(8, 11, CV_8U, cv::Scalar(1)));
  const std::string e = test::error_of([&] { read_labelled(load_dataset(root).samples.at(0)); });
  EXPECT_NE(e.find("masks/a.png: mask is 11x8 but its image " + (root / "images/a.png").string() + " is 12x8"),
            std::string::npos) << e;
}
