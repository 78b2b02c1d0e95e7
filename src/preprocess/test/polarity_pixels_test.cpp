// detect_polarity_of_pixels on xnet synth images (both polarities, quantised to 8, 12 and
// 16 bits) and on the real display radiographs of the shared data folders.
#include "preprocess/polarity.hpp"
#include "preprocess/polarity_cues.hpp"

#include <cmath>
#include <filesystem>
#include <map>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "io/radiograph.hpp"
#include "synth/anatomy.hpp"
#include "synth/generator.hpp"

namespace fs = std::filesystem;
using namespace xnet;

namespace {

// The values an image would hold if saved at `bits` bits: full scale (65535 for raw
// detector data, 255 for display images) mapped to 2^bits - 1, rounded.
cv::Mat at_depth(const cv::Mat& values, double full_scale, int bits) {
  cv::Mat q;
  values.convertTo(q, CV_32F, (std::pow(2.0, bits) - 1) / full_scale);
  for (int y = 0; y < q.rows; ++y)
    for (float* v = q.ptr<float>(y); v != q.ptr<float>(y) + q.cols; ++v) *v = std::round(*v);
  return q;
}

TEST(PolarityOfPixels, SyntheticRadiographsAtEveryDepth) {
  // 44 images (every category 4 times, mixed polarity, two sizes) x 3 depths.
  const auto& names = synth::category_names();
  std::map<std::string, std::pair<int, int>> tally;  // "raw 8" -> (right, seen)
  std::map<Polarity, std::pair<int, int>> by_truth;  // -> (right, seen)
  for (int i = 0; i < 44; ++i) {
    const int size = i % 2 ? 384 : 256;
    const auto image = synth::synthesize(names[i % names.size()], 20240611, i, size,
                                         synth::Polarity::mixed, false);
    const Polarity truth = image.display ? Polarity::display : Polarity::raw;
    for (int bits : {8, 12, 16}) {
      const cv::Mat pixels = at_depth(image.pixels, image.display ? 255.0 : 65535.0, bits);
      const bool ok = detect_polarity_of_pixels(pixels) == truth;
      auto& t = tally[to_string(truth) + " " + std::to_string(bits) + "-bit"];
      t.first += ok;
      ++t.second;
      by_truth[truth].first += ok;
      ++by_truth[truth].second;
    }
  }
  for (const auto& [key, t] : tally)
    std::cout << key << ": " << t.first << "/" << t.second << "\n";
  // The issue asks for 98 % of both. Measured by polarity_lab on 1200 held-out synthetic
  // images (seeds 41-45) at every depth: display 98.8 %, raw 98.2 % (polarity.hpp). This
  // draw: display 75/75, raw 54/57 (one image, at every depth). The bounds allow one missed
  // image of either polarity; a second fails.
  const auto [display_right, display_seen] = by_truth[Polarity::display];
  const auto [raw_right, raw_seen] = by_truth[Polarity::raw];
  EXPECT_GE(display_right, 0.96 * display_seen) << display_right << "/" << display_seen;
  EXPECT_GE(raw_right, 0.93 * raw_seen) << raw_right << "/" << raw_seen;
}

// A raw image whose open beam the detector clipped at full scale: gain so that everything
// above 1/1.25 of the image's maximum passes 65535, clamped there, then saved at `bits`.
cv::Mat clipped_raw(const cv::Mat& values, int bits) {
  double lo, hi;
  cv::minMaxLoc(values, &lo, &hi);
  cv::Mat clipped = cv::min(values * (1.25 * 65535.0 / hi), 65535.0);
  return at_depth(clipped, 65535.0, bits);
}

TEST(PolarityOfPixels, RawWithTheOpenBeamClippedAtFullScale) {
  // Flat-panel detectors saturate where the beam arrives unattenuated: the open beam sits
  // exactly at the maximum, as display images' clipped whites do.
  const auto& names = synth::category_names();
  int right = 0, seen = 0;
  std::vector<std::string> wrong;
  for (int i = 0; i < 22; ++i) {
    const auto image = synth::synthesize(names[i % names.size()], 20240612, i, i % 2 ? 384 : 256,
                                         synth::Polarity::raw, false);
    for (int bits : {8, 12, 16}) {
      const cv::Mat pixels = clipped_raw(image.pixels, bits);
      const bool ok = detect_polarity_of_pixels(pixels) == Polarity::raw;
      if (!ok) std::cout << "  missed " << names[i % names.size()] << " " << bits << ": ring saturated "
                         << detail::polarity_cues(pixels).ring_saturated << "\n";
      right += ok;
      ++seen;
      if (!ok) wrong.push_back(names[i % names.size()] + " " + std::to_string(bits));
    }
  }
  std::cout << "clipped raw: " << right << "/" << seen << "\n";
  // Reached: 63/66 (45/66 with the hand-set rules the fitted classifier replaced); one more
  // missed image fails.
  EXPECT_GE(right, 0.95 * seen) << right << "/" << seen << ", first wrong: " << (wrong.empty() ? "" : wrong[0]);
}

// The segmenter tests' phantom: open beam, an ellipse of soft tissue, a bar of bone, dark
// outside an optional inset field; with or without noise, 16 bit.
cv::Mat flat_phantom(cv::Size size, int inset, double noise_sigma, bool clip_open_beam) {
  cv::Mat image(size, CV_32F, cv::Scalar(clip_open_beam ? 70000 : 60000));
  const cv::Point centre(size.width / 2, size.height / 2);
  cv::ellipse(image, centre, cv::Size(size.width / 3, size.height / 3), 0, 0, 360, 30000, cv::FILLED);
  cv::rectangle(image, cv::Rect(size.width / 2 - size.width / 12, size.height / 4, size.width / 6, size.height / 2),
                12000, cv::FILLED);
  if (inset > 0) {
    cv::Mat outside(size, CV_8U, cv::Scalar(255));
    outside(cv::Rect(inset, inset, size.width - 2 * inset, size.height - 2 * inset)).setTo(0);
    image.setTo(3000, outside);
  }
  if (noise_sigma > 0) {
    cv::Mat noise(size, CV_32F);
    cv::randn(noise, 0, noise_sigma);
    image += noise;
  }
  cv::Mat out;
  image.convertTo(out, CV_16U);  // saturates at 65535
  out.convertTo(out, CV_32F);
  return out;
}

TEST(PolarityOfPixels, PhantomsWithAFlatOpenBeamAreRaw) {
  cv::theRNG().state = 12345;
  for (const cv::Size size : {cv::Size(120, 90), cv::Size(97, 131), cv::Size(256, 256), cv::Size(640, 480)})
    for (int inset : {0, 1}) 
      for (double sigma : {0.0, 300.0})
        for (bool clip : {false, true}) {
          const int px = inset ? std::max(6, std::min(size.width, size.height) / 10) : 0;
          const cv::Mat pixels = flat_phantom(size, px, sigma, clip);
          const auto cues = detail::polarity_cues(pixels);
          EXPECT_EQ(detect_polarity_of_pixels(pixels), Polarity::raw)
              << size << " inset " << px << " noise " << sigma << (clip ? " clipped" : "")
              << ": edge " << cues.edge << ", saturated " << cues.saturated << ", levels " << cues.levels << ", ring saturated " << cues.ring_saturated;
        }
}

TEST(PolarityOfPixels, RealDisplayRadiographs) {
  const fs::path data = XNET_SHARED_DATA_DIR;
  std::vector<fs::path> folders = {data / "real-unlabelled"};
  if (fs::is_directory(data / "real-dev"))
    for (const auto& entry : fs::directory_iterator(data / "real-dev"))
      if (fs::is_directory(entry.path() / "images")) folders.push_back(entry.path() / "images");
  int seen = 0;
  for (const fs::path& folder : folders) {
    if (!fs::is_directory(folder)) continue;
    int right = 0, here = 0;
    std::vector<std::string> wrong;
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (!is_radiograph_file(entry.path())) continue;
      ++here;
      if (detect_polarity_of_pixels(read_radiograph(entry.path()).pixels) == Polarity::display)
        ++right;
      else
        wrong.push_back(entry.path().filename().string());
    }
    std::cout << folder << ": " << right << "/" << here << "\n";
    seen += here;
    // Every image is display, and every one is read so (measured: 188 of 188).
    EXPECT_EQ(right, here) << folder << ", first wrong: " << (wrong.empty() ? "" : wrong[0]);
  }
  if (seen == 0) GTEST_SKIP() << data << " holds none of the real radiograph folders";
}

}  // namespace
