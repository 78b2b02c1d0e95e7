// import-labels: colour-coded label images with JPEG-like noise back to label values.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "data/colour_labels.hpp"
#include "io/radiograph.hpp"
#include "io/test/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace xnet;

namespace {

// Truth labels: bands of 0, 1, 2 and a black (collimator, 3) border; painted in the
// reference colours (BGR for OpenCV).
cv::Mat truth_labels() {
  cv::Mat labels(40, 60, CV_8U);
  for (int y = 0; y < labels.rows; ++y)
    for (int x = 0; x < labels.cols; ++x)
      labels.at<uchar>(y, x) = (x < 3 || y < 3) ? 3 : static_cast<uchar>((x + y) * 3 / 100);
  return labels;
}

cv::Mat paint(const cv::Mat& labels) {
  const cv::Vec3b bgr[] = {{255, 255, 255}, {0, 255, 255}, {255, 0, 0}, {0, 0, 0}};
  cv::Mat image(labels.size(), CV_8UC3);
  for (int y = 0; y < labels.rows; ++y)
    for (int x = 0; x < labels.cols; ++x) image.at<cv::Vec3b>(y, x) = bgr[labels.at<uchar>(y, x)];
  return image;
}

}  // namespace

TEST(ColourLabels, NoisyImageGivesBackTheLabels) {
  const cv::Mat truth = truth_labels();
  cv::Mat noisy = paint(truth), noise(noisy.size(), CV_16SC3);
  cv::theRNG().state = 7;
  cv::randn(noise, 0, 20);  // per-channel noise, well inside the tolerance
  cv::Mat sum;
  cv::add(noisy, noise, sum, cv::noArray(), CV_16SC3);
  sum.convertTo(noisy, CV_8UC3);  // saturates at 0 and 255
  noisy.at<cv::Vec3b>(10, 30) = {128, 0, 128};  // purple: far from every palette colour

  ColourPalette palette = reference_palette();
  palette.colours.push_back({parse_colour("black"), 3});
  const LabelsFromColours got = labels_from_colours(noisy, palette);
  cv::Mat expected = truth.clone();
  expected.at<uchar>(10, 30) = 255;
  EXPECT_EQ(cv::countNonZero(got.labels != expected), 0);
  EXPECT_EQ(got.unmatched, 1u);

  // Without a collimator colour the black border matches nothing and is ignored.
  EXPECT_EQ(labels_from_colours(noisy, reference_palette()).unmatched,
            static_cast<std::uint64_t>(cv::countNonZero(truth == 3)) + 1);
}

TEST(ColourLabels, ImportsJpegFolderToLabelPngs) {
  const fs::path dir = test::scratch_dir();
  fs::create_directories(dir / "colour");
  const cv::Mat truth = truth_labels();
  ASSERT_TRUE(cv::imwrite((dir / "colour/hand_1.jpg").string(), paint(truth), {cv::IMWRITE_JPEG_QUALITY, 90}));
  ColourPalette palette = reference_palette();
  palette.colours.push_back({parse_colour("0,0,0"), 3});
  const auto results = import_label_images({dir / "colour"}, dir / "labels", palette, 2);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].output, dir / "labels/hand_1.png");
  const cv::Mat labels = read_label_map(dir / "labels/hand_1.png");
  // JPEG blurs colour edges (chroma is subsampled 2x): pixels near a boundary may come out
  // as 255 or a neighbour's label; every pixel 3 or more pixels away from one must match.
  cv::Mat low, high;
  const cv::Mat window = cv::Mat::ones(5, 5, CV_8U);
  cv::erode(truth, low, window);
  cv::dilate(truth, high, window);
  const cv::Mat interior = low == high;
  EXPECT_EQ(cv::countNonZero((labels != truth) & interior), 0);
  EXPECT_GT(cv::countNonZero(interior), static_cast<int>(truth.total()) / 2);
  EXPECT_EQ(results[0].pixels, truth.total());
}

TEST(ColourLabels, ParsesColoursAndRejectsNonsense) {
  EXPECT_EQ(parse_colour("#ff8000"), cv::Vec3b(255, 128, 0));
  EXPECT_EQ(parse_colour("Yellow"), cv::Vec3b(255, 255, 0));
  EXPECT_EQ(parse_colour(" 1, 2 ,3"), cv::Vec3b(1, 2, 3));
  EXPECT_THROW(parse_colour("300,0,0"), UsageError);
  EXPECT_THROW(parse_colour("mauve"), UsageError);
}

TEST(ColourLabels, RefusesToOverwriteInputs) {
  const fs::path dir = test::scratch_dir();
  ASSERT_TRUE(cv::imwrite((dir / "a.png").string(), paint(truth_labels())));
  const std::string e = test::error_of([&] { import_label_images({dir / "a.png"}, dir, reference_palette()); });
  EXPECT_NE(e.find("a.png: output would overwrite this input"), std::string::npos) << e;
}
