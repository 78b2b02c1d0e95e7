// DICOM: same pixels back, MONOCHROME1 right-way-up with rescale, compressed syntaxes, spacing.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmjpls/djencode.h>

#include "io/dicom.hpp"
#include "io/radiograph.hpp"
#include "io/test/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace xnet;

namespace {

// 16-bit stored values using the whole range, different in every row and column.
cv::Mat stored_phantom(int rows, int cols) {
  cv::Mat m(rows, cols, CV_16U);
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x) m.at<ushort>(y, x) = static_cast<ushort>((x * 1237 + y * 4099) % 65536);
  m.at<ushort>(0, 0) = 0;
  m.at<ushort>(rows - 1, cols - 1) = 65535;
  return m;
}

cv::Mat as_float(const cv::Mat& m, double alpha = 1.0, double beta = 0.0) {
  cv::Mat f;
  m.convertTo(f, CV_32F, alpha, beta);
  return f;
}

// Re-encodes a DICOM file in a compressed transfer syntax with DCMTK's own encoders.
void recompress(const fs::path& in, const fs::path& out, E_TransferSyntax xfer) {
  DcmRLEEncoderRegistration::registerCodecs();
  DJLSEncoderRegistration::registerCodecs();
  DcmFileFormat format;
  ASSERT_TRUE(format.loadFile(in.c_str()).good());
  ASSERT_TRUE(format.getDataset()->chooseRepresentation(xfer, nullptr).good());
  ASSERT_TRUE(format.saveFile(out.c_str(), xfer).good());
}

}  // namespace

TEST(Dicom, Monochrome2SixteenBitReadsTheSamePixels) {
  const fs::path file = test::scratch_dir() / "m2.dcm";
  const cv::Mat stored = stored_phantom(31, 47);
  write_dicom(file, stored, Photometric::monochrome2, 1.0, 0.0, std::array<double, 2>{0.143, 0.15});
  const Radiograph r = read_radiograph(file);
  EXPECT_EQ(r.photometric, Photometric::monochrome2);
  EXPECT_EQ(r.bit_depth, 16);
  EXPECT_EQ(r.full_scale, 65535.0);
  EXPECT_EQ(r.range_min, 0.0);
  ASSERT_EQ(r.pixels.size(), stored.size());
  EXPECT_EQ(cv::norm(r.pixels, as_float(stored), cv::NORM_INF), 0.0);
  ASSERT_TRUE(r.pixel_spacing_mm.has_value());
  EXPECT_DOUBLE_EQ((*r.pixel_spacing_mm)[0], 0.143);
  EXPECT_DOUBLE_EQ((*r.pixel_spacing_mm)[1], 0.15);
}

TEST(Dicom, Monochrome1ReadsRightWayUpWithRescale) {
  const fs::path dir = test::scratch_dir();
  const cv::Mat v = stored_phantom(29, 41);
  const double slope = 0.5, intercept = -1000.0;
  // The same picture stored inverted as MONOCHROME1: stored = 65535 - v.
  cv::Mat inverted = 65535 - v;
  write_dicom(dir / "m1.dcm", inverted, Photometric::monochrome1, slope, intercept);
  write_dicom(dir / "m2.dcm", v, Photometric::monochrome2, slope, intercept);
  const Radiograph m1 = read_radiograph(dir / "m1.dcm");
  const Radiograph m2 = read_radiograph(dir / "m2.dcm");
  EXPECT_EQ(m1.photometric, Photometric::monochrome1);  // as found in the file
  const cv::Mat expected = as_float(v, slope, intercept);
  EXPECT_EQ(cv::norm(m2.pixels, expected, cv::NORM_INF), 0.0);
  EXPECT_EQ(cv::norm(m1.pixels, expected, cv::NORM_INF), 0.0);
  // The brightest stored value of MONOCHROME2 (65535) is the darkest of MONOCHROME1.
  EXPECT_EQ(m1.pixels.at<float>(28, 40), static_cast<float>(65535 * slope + intercept));
  EXPECT_EQ(m1.range_min, intercept);
  EXPECT_EQ(m1.full_scale, 65535 * slope + intercept);
}

TEST(Dicom, TwelveBitMonochrome1InvertsOverTwelveBits) {
  const fs::path dir = test::scratch_dir();
  cv::Mat v = (cv::Mat_<ushort>(1, 3) << 0, 100, 4095);
  write_dicom(dir / "m1.dcm", 4095 - v, Photometric::monochrome1, 2.0, 10.0, std::nullopt, 12);
  const Radiograph r = read_radiograph(dir / "m1.dcm");
  EXPECT_EQ(r.bit_depth, 12);
  EXPECT_EQ(cv::norm(r.pixels, as_float(v, 2.0, 10.0), cv::NORM_INF), 0.0);
  EXPECT_EQ(r.full_scale, 4095 * 2.0 + 10.0);
}

TEST(Dicom, SignedMonochrome1MirrorsTheSignedRange) {
  const fs::path dir = test::scratch_dir();
  cv::Mat s = (cv::Mat_<short>(1, 4) << -32768, -1, 0, 32767);
  write_dicom(dir / "s.dcm", s, Photometric::monochrome1, 1.0, 0.0);
  const Radiograph r = read_radiograph(dir / "s.dcm");
  // m' = M(-32768) + M(32767) - M(s) = -1 - s: the signed range maps onto itself, reversed.
  const cv::Mat expected = (cv::Mat_<float>(1, 4) << 32767, 0, -1, -32768);
  EXPECT_EQ(cv::norm(r.pixels, expected, cv::NORM_INF), 0.0);
  EXPECT_EQ(r.range_min, -32768.0);
  EXPECT_EQ(r.full_scale, 32767.0);
}

TEST(Dicom, CompressedTransferSyntaxesDecodeLosslessly) {
  const fs::path dir = test::scratch_dir();
  const cv::Mat stored = stored_phantom(16, 24);
  write_dicom(dir / "plain.dcm", stored, Photometric::monochrome2);
  for (const E_TransferSyntax xfer : {EXS_RLELossless, EXS_JPEGLSLossless}) {
    const fs::path file = dir / ("x" + std::to_string(static_cast<int>(xfer)) + ".dcm");
    recompress(dir / "plain.dcm", file, xfer);
    const Radiograph r = read_radiograph(file);
    EXPECT_EQ(cv::norm(r.pixels, as_float(stored), cv::NORM_INF), 0.0) << file;
  }
}

TEST(Dicom, DetectedByPreambleWithoutExtension) {
  const fs::path dir = test::scratch_dir();
  const cv::Mat stored = stored_phantom(8, 8);
  write_dicom(dir / "a.dcm", stored, Photometric::monochrome2);
  fs::copy_file(dir / "a.dcm", dir / "IM0001");
  EXPECT_TRUE(is_radiograph_file(dir / "IM0001"));
  EXPECT_EQ(cv::norm(read_radiograph(dir / "IM0001").pixels, as_float(stored), cv::NORM_INF), 0.0);
}

TEST(Dicom, ErrorsNameTheFile) {
  const fs::path dir = test::scratch_dir();
  std::ofstream(dir / "junk.dcm") << "definitely not DICOM";
  const std::string e = test::error_of([&] { read_radiograph(dir / "junk.dcm"); });
  EXPECT_NE(e.find("junk.dcm: cannot read as DICOM"), std::string::npos) << e;
  const std::string w = test::error_of(
      [&] { write_dicom(dir / "big.dcm", cv::Mat(2, 2, CV_16U, cv::Scalar(5000)), Photometric::monochrome2, 1, 0, std::nullopt, 12); });
  EXPECT_NE(w.find("big.dcm: pixel values do not fit in 12 bits"), std::string::npos) << w;
}

TEST(Dicom, ConcurrentReadsAgree) {
  // `xnet check` decodes files on several threads; DCMTK's shared state must cope.
  const fs::path dir = test::scratch_dir();
  const cv::Mat stored = stored_phantom(64, 64);
  write_dicom(dir / "a.dcm", 65535 - stored, Photometric::monochrome1);
  recompress(dir / "a.dcm", dir / "rle.dcm", EXS_RLELossless);
  std::vector<std::thread> readers;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t)
    readers.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const Radiograph r = read_radiograph(dir / (t % 2 ? "a.dcm" : "rle.dcm"));
        wrong += cv::norm(r.pixels, as_float(stored), cv::NORM_INF) != 0.0;
      }
    });
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(wrong, 0);
}
