// Write-then-read round trips for every raster format and depth, colour input, errors.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>

#include <opencv2/imgcodecs.hpp>

#include "core/error.hpp"
#include "io/radiograph.hpp"
#include "io/test/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace xnet;

namespace {

// A gradient with a bright disc: every row and column differs, so flips or shifts show.
cv::Mat phantom(int rows, int cols, double full_scale) {
  cv::Mat m(rows, cols, CV_32F);
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x) {
      const bool disc = (x - cols / 2) * (x - cols / 2) + (y - rows / 2) * (y - rows / 2) < 64;
      m.at<float>(y, x) = static_cast<float>(full_scale * (disc ? 0.95 : (x + 3.0 * y) / (cols + 3.0 * rows)));
    }
  return m;
}

double max_abs_diff(const cv::Mat& a, const cv::Mat& b) { return cv::norm(a, b, cv::NORM_INF); }

struct RoundTrip {
  const char* file;
  PixelDepth depth;
  double full_scale;
  int bit_depth;
  double tolerance;  // 0: the same pixels after rounding
};

class RadiographRoundTrip : public ::testing::TestWithParam<RoundTrip> {};

}  // namespace

TEST_P(RadiographRoundTrip, ReadsBackWhatWasWritten) {
  const RoundTrip& p = GetParam();
  const fs::path file = test::scratch_dir() / p.file;
  const cv::Mat pixels = phantom(37, 53, p.full_scale);
  cv::Mat expected;
  if (p.depth == PixelDepth::f32) {
    expected = pixels;
  } else {
    pixels.convertTo(expected, p.depth == PixelDepth::u8 ? CV_8U : CV_16U);
    expected.convertTo(expected, CV_32F);
  }
  write_radiograph_image(file, pixels, p.depth);
  const Radiograph r = read_radiograph(file);
  EXPECT_EQ(r.pixels.type(), CV_32FC1);
  ASSERT_EQ(r.pixels.size(), expected.size());
  EXPECT_LE(max_abs_diff(r.pixels, expected), p.tolerance) << p.file;
  EXPECT_EQ(r.bit_depth, p.bit_depth);
  EXPECT_EQ(r.full_scale, p.full_scale);
  EXPECT_EQ(r.source, file);
  EXPECT_FALSE(r.converted_from_rgb);
}

INSTANTIATE_TEST_SUITE_P(
    Formats, RadiographRoundTrip,
    ::testing::Values(RoundTrip{"a.png", PixelDepth::u8, 255.0, 8, 0.0},
                      RoundTrip{"a16.png", PixelDepth::u16, 65535.0, 16, 0.0},
                      RoundTrip{"a.tif", PixelDepth::u8, 255.0, 8, 0.0},
                      RoundTrip{"a16.tiff", PixelDepth::u16, 65535.0, 16, 0.0},
                      RoundTrip{"f.tif", PixelDepth::f32, 1.0, 32, 0.0},
                      // JPEG is lossy: a smooth phantom stays within a few gray levels.
                      RoundTrip{"a.jpg", PixelDepth::u8, 255.0, 8, 12.0}),
    [](const ::testing::TestParamInfo<RoundTrip>& info) {
      std::string name = info.param.file;
      for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return name;
    });

TEST(Radiograph, WritingRoundsAndClampsToTheDepth) {
  const fs::path file = test::scratch_dir() / "clamp.png";
  cv::Mat pixels = (cv::Mat_<float>(1, 4) << -5.f, 1.6f, 254.4f, 300.f);
  write_radiograph_image(file, pixels, PixelDepth::u8);
  const cv::Mat back = read_radiograph(file).pixels;
  EXPECT_EQ(back.at<float>(0, 0), 0.f);
  EXPECT_EQ(back.at<float>(0, 1), 2.f);
  EXPECT_EQ(back.at<float>(0, 2), 254.f);
  EXPECT_EQ(back.at<float>(0, 3), 255.f);
}

TEST(Radiograph, ColourBecomesGrayWithFlag) {
  const fs::path file = test::scratch_dir() / "colour.png";
  cv::Mat bgr(4, 5, CV_8UC3, cv::Scalar(10, 200, 40));  // B, G, R
  bgr.at<cv::Vec3b>(1, 2) = {255, 255, 255};
  ASSERT_TRUE(cv::imwrite(file.string(), bgr));
  const Radiograph r = read_radiograph(file);
  EXPECT_TRUE(r.converted_from_rgb);
  EXPECT_EQ(r.photometric, Photometric::rgb);
  EXPECT_EQ(r.pixels.type(), CV_32FC1);
  // ITU-R BT.601 luma: 0.299 R + 0.587 G + 0.114 B.
  EXPECT_NEAR(r.pixels.at<float>(0, 0), 0.299 * 40 + 0.587 * 200 + 0.114 * 10, 1.0);
  EXPECT_EQ(r.pixels.at<float>(1, 2), 255.f);
}

TEST(Radiograph, ErrorsNameTheFile) {
  const fs::path dir = test::scratch_dir();
  EXPECT_NE(test::error_of([&] { read_radiograph(dir / "absent.png"); }).find("absent.png: file not found"),
            std::string::npos);
  std::ofstream(dir / "broken.png") << "not a png";
  const std::string broken = test::error_of([&] { read_radiograph(dir / "broken.png"); });
  EXPECT_NE(broken.find("broken.png: not a PNG file"), std::string::npos) << broken;
  std::ofstream(dir / "notes.txt") << "hello";
  EXPECT_NE(test::error_of([&] { read_radiograph(dir / "notes.txt"); }).find("notes.txt: unknown image format"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] { write_radiograph_image(dir / "x.png", cv::Mat(2, 2, CV_32F), PixelDepth::f32); })
                .find("x.png: 32-bit float needs TIFF"),
            std::string::npos);
}

TEST(Radiograph, RecognisesRadiographFiles) {
  const fs::path dir = test::scratch_dir();
  EXPECT_TRUE(is_radiograph_file("a.PNG"));
  EXPECT_TRUE(is_radiograph_file("a.tiff"));
  EXPECT_TRUE(is_radiograph_file("a.dcm"));
  std::ofstream(dir / "notes.txt") << "hello";
  EXPECT_FALSE(is_radiograph_file(dir / "notes.txt"));
}

TEST(LabelMap, RoundTripAndTypeCheck) {
  const fs::path dir = test::scratch_dir();
  cv::Mat labels = (cv::Mat_<uchar>(2, 3) << 0, 1, 2, 3, 255, 0);
  write_label_map(dir / "m.png", labels);
  EXPECT_EQ(cv::countNonZero(read_label_map(dir / "m.png") != labels), 0);
  ASSERT_TRUE(cv::imwrite((dir / "m16.png").string(), cv::Mat(2, 2, CV_16U, cv::Scalar(1))));
  const std::string e = test::error_of([&] { read_label_map(dir / "m16.png"); });
  EXPECT_NE(e.find("m16.png: a mask must be an 8-bit single-channel PNG (found 1 channel(s), 16-bit)"),
            std::string::npos) << e;
}
