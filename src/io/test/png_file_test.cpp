// The fast PNG writer must give back exactly the pixels it was given, and say what went wrong.
#include <filesystem>

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "core/error.hpp"
#include "io/png_file.hpp"
#include "io/test/scratch_dir.hpp"

namespace {

using namespace xnet;

cv::Mat random_image(int rows, int cols, int type) {
  cv::Mat m(rows, cols, type);
  cv::randu(m, cv::Scalar::all(0), cv::Scalar::all(type == CV_16UC1 ? 65536 : 256));
  return m;
}

TEST(PngFile, RoundTripsGrayColourAnd16Bit) {
  const auto dir = test::scratch_dir();
  cv::theRNG().state = 7;
  for (const int type : {CV_8UC1, CV_8UC3, CV_16UC1}) {
    const auto image = random_image(37, 53, type);  // odd sizes: no row padding assumed
    const auto file = dir / ("image" + std::to_string(type) + ".png");
    write_png(file, image);
    const cv::Mat back = cv::imread(file.string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(back.type(), type);
    ASSERT_EQ(back.size(), image.size());
    EXPECT_EQ(cv::norm(back, image, cv::NORM_INF), 0.0) << "type " << type;
  }
}

TEST(PngFile, EncodesInMemoryTheSameFileItWrites) {
  const auto dir = test::scratch_dir();
  cv::theRNG().state = 8;
  for (const int type : {CV_8UC1, CV_8UC3, CV_16UC1}) {
    const auto image = random_image(29, 41, type);
    const auto png = encode_png(image);
    const cv::Mat back = cv::imdecode(png, cv::IMREAD_UNCHANGED);
    ASSERT_EQ(back.type(), type);
    EXPECT_EQ(cv::norm(back, image, cv::NORM_INF), 0.0) << "type " << type;
    const auto file = dir / "same.png";
    write_png(file, image);
    EXPECT_EQ(std::filesystem::file_size(file), png.size()) << "type " << type;
  }
  EXPECT_THROW(encode_png(cv::Mat::zeros(3, 3, CV_32F)), Error);
}

TEST(PngFile, WritesARegionOfInterest) {
  const auto dir = test::scratch_dir();
  const auto image = random_image(40, 40, CV_8UC3);
  const cv::Mat roi = image(cv::Rect(3, 5, 20, 11));  // not continuous in memory
  write_png(dir / "roi.png", roi);
  EXPECT_EQ(cv::norm(cv::imread((dir / "roi.png").string(), cv::IMREAD_UNCHANGED), roi, cv::NORM_INF), 0.0);
}

TEST(PngFile, ErrorsNameTheFileAndTheProblem) {
  const auto dir = test::scratch_dir();
  const auto missing = dir / "no_such_folder" / "mask.png";
  EXPECT_NE(test::error_of([&] { write_png(missing, cv::Mat::zeros(4, 4, CV_8U)); }).find(missing.string()),
            std::string::npos);
  const auto floats = test::error_of([&] { write_png(dir / "f.png", cv::Mat::zeros(4, 4, CV_32F)); });
  EXPECT_NE(floats.find("f.png"), std::string::npos);
  EXPECT_NE(floats.find("8-bit gray"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "f.png"));
  EXPECT_TRUE(std::filesystem::is_empty(dir));  // no temporary left behind
}

}  // namespace
