// `xnet check` and `xnet import-labels` end to end through the built program.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "cli/test/run_xnet.hpp"
#include "data/test/dataset_fixture.hpp"
#include "io/dicom.hpp"
#include "io/test/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace xnet;

namespace {

// Three labelled samples in the folder layout: 16-bit TIFF, 8-bit PNG and MONOCHROME1 DICOM.
fs::path mixed_dataset() {
  const fs::path root = test::scratch_dir();
  test::write_sample(root, "images/hand_1.tif", "masks/hand_1.png");
  test::write_sample(root, "images/hand_2.png", "masks/hand_2.png");
  test::write_sample(root, "images/foot_1.png", "masks/foot_1.png");
  fs::remove(root / "images/foot_1.png");
  write_dicom(root / "images/foot_1.dcm", cv::Mat(8, 12, CV_16U, cv::Scalar(1000)),
              Photometric::monochrome1, 1.0, -1024.0);
  return root;
}

}  // namespace

TEST(CheckCommand, UsableDatasetPrintsTableAndExitsZero) {
  const fs::path root = mixed_dataset();
  const test::Result r = test::run("check " + root.string() + " --threads 2");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("hand"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("foot"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("open_beam"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("xnet: error"), std::string::npos) << r.output;
}

TEST(CheckCommand, BrokenDatasetNamesEveryProblemAndExitsOne) {
  const fs::path root = mixed_dataset();
  cv::Mat labels = read_label_map(root / "masks/hand_2.png");
  labels.at<uchar>(1, 2) = 42;
  write_label_map(root / "masks/hand_2.png", labels);
  write_label_map(root / "masks/hand_1.png", cv::Mat(5, 5, CV_8U, cv::Scalar(0)));
  fs::remove(root / "images/foot_1.dcm");
  const test::Result r = test::run("check " + root.string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find((root / "masks/hand_2.png").string() + ": invalid label value 42 at (x=2, y=1)"),
            std::string::npos) << r.output;
  EXPECT_NE(r.output.find((root / "masks/hand_1.png").string() + ": mask is 5x5"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find((root / "masks/foot_1.png").string() + ": mask has no image"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("xnet: error: " + root.string() + ": 3 problems found"), std::string::npos) << r.output;
}

TEST(CheckCommand, MissingFolderIsAnError) {
  const test::Result r = test::run("check /nonexistent/xnet-data");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("/nonexistent/xnet-data: dataset folder not found"), std::string::npos) << r.output;
}

TEST(ImportLabelsCommand, WritesLabelPngsAndReportsUnmatched) {
  const fs::path dir = test::scratch_dir();
  cv::Mat colour(4, 6, CV_8UC3, cv::Scalar(255, 255, 255));  // white: open beam
  colour.col(2).setTo(cv::Scalar(0, 255, 255));             // yellow (BGR): soft tissue
  colour.col(3).setTo(cv::Scalar(250, 5, 0));               // near blue: bone
  colour.col(5).setTo(cv::Scalar(0, 0, 0));                 // black: collimator when asked
  ASSERT_TRUE(cv::imwrite((dir / "knee_3.png").string(), colour));
  test::Result r = test::run("import-labels " + (dir / "knee_3.png").string() + " --out " + (dir / "out").string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("4 of 24 pixels match no palette colour"), std::string::npos) << r.output;
  r = test::run("import-labels " + dir.string() + " --out " + (dir / "out").string() + " --collimator-colour black");
  EXPECT_EQ(r.status, 0) << r.output;
  const cv::Mat labels = read_label_map(dir / "out/knee_3.png");
  const cv::Mat expected = (cv::Mat_<uchar>(1, 6) << 0, 0, 1, 2, 0, 3);
  for (int y = 0; y < labels.rows; ++y) EXPECT_EQ(cv::countNonZero(labels.row(y) != expected), 0) << y;
  EXPECT_EQ(test::run("import-labels " + dir.string() + " --out " + (dir / "o2").string() +
                      " --collimator-colour mauve").status, 2);
}
