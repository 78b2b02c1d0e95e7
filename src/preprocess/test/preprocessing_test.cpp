#include "preprocess/preprocessing.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "preprocess/test/phantom.hpp"

using namespace xnet;

namespace {

double correlation(const cv::Mat& a, const cv::Mat& b) {
  cv::Scalar ma, sa, mb, sb;
  cv::meanStdDev(a, ma, sa);
  cv::meanStdDev(b, mb, sb);
  const double covariance = cv::mean((a - ma[0]).mul(b - mb[0]))[0];
  return covariance / (sa[0] * sb[0]);
}

double max_abs_difference(const cv::Mat& a, const cv::Mat& b) {
  return cv::norm(a, b, cv::NORM_INF);
}

const Preprocessing small_input = [] {
  Preprocessing p;
  p.input_size = 128;
  return p;
}();

TEST(Canonical, RawAndDisplayOfTheSameSceneLookAlike) {
  for (bool collimator : {false, true}) {
    const cv::Mat raw = test::render_raw(test::hand_attenuation(400, collimator), 20000.0, 1);
    const cv::Mat display = test::render_display(raw);
    const cv::Mat a = network_input(test::as_radiograph(raw, 16), Polarity::raw, small_input);
    const cv::Mat b = network_input(test::as_radiograph(display, 8), Polarity::display, small_input);
    EXPECT_GT(correlation(a, b), 0.95) << "collimator " << collimator;
    // Taken the wrong way round, they anti-correlate: the check above is not trivial.
    const cv::Mat wrong =
        network_input(test::as_radiograph(display, 8), Polarity::raw, small_input);
    EXPECT_LT(correlation(a, wrong), 0.0);
  }
}

TEST(Canonical, BoneBrightOpenBeamDarkInRange) {
  const cv::Mat attenuation = test::hand_attenuation(200, false);
  const cv::Mat canonical =
      to_canonical(test::as_radiograph(test::render_raw(attenuation, 20000.0, 2), 16), Polarity::raw);
  ASSERT_EQ(canonical.type(), CV_32FC1);
  ASSERT_EQ(canonical.size(), attenuation.size());
  double lo = 0, hi = 0;
  cv::minMaxLoc(canonical, &lo, &hi);
  EXPECT_GE(lo, 0.0);
  EXPECT_LE(hi, 1.0);
  EXPECT_LT(cv::mean(canonical, attenuation < 0.01)[0], 0.1);  // open beam
  EXPECT_GT(cv::mean(canonical, attenuation > 1.5)[0], 0.8);   // bone
}

TEST(Canonical, InvariantToExposure) {
  const cv::Mat attenuation = test::hand_attenuation(300, true);
  const cv::Mat bright = test::render_raw(attenuation, 40000.0, 4);
  const cv::Mat a = to_canonical(test::as_radiograph(bright, 16), Polarity::raw);
  // A quarter of the exposure, same noise realisation: only a gain.
  const cv::Mat b = to_canonical(test::as_radiograph(bright * 0.25, 16), Polarity::raw);
  EXPECT_LT(max_abs_difference(a, b), 1e-3);
  // Display images: a darker rendering (gain) changes nothing.
  const cv::Mat display = test::render_display(bright);
  const cv::Mat c = to_canonical(test::as_radiograph(display, 8), Polarity::display);
  const cv::Mat d = to_canonical(test::as_radiograph(display * 0.6, 8), Polarity::display);
  EXPECT_LT(max_abs_difference(c, d), 1e-3);
}

TEST(Canonical, InvariantToBitDepth) {
  const cv::Mat raw16 = test::render_raw(test::hand_attenuation(300, false), 60000.0, 6);
  cv::Mat raw8;
  raw16.convertTo(raw8, CV_8U, 1.0 / 257.0);
  raw8.convertTo(raw8, CV_32F);
  const cv::Mat a = network_input(test::as_radiograph(raw16, 16), Polarity::raw, small_input);
  const cv::Mat b = network_input(test::as_radiograph(raw8, 8), Polarity::raw, small_input);
  EXPECT_GT(correlation(a, b), 0.99);
  EXPECT_LT(cv::mean(cv::abs(a - b))[0], 0.02);
}

TEST(Canonical, NothingTherePixelsDoNotSqueezeTheRange) {
  cv::Mat raw = test::render_raw(test::hand_attenuation(200, false), 20000.0, 8);
  const cv::Mat reference = to_canonical(test::as_radiograph(raw, 16), Polarity::raw);
  raw(cv::Rect(0, 0, 200, 30)).setTo(0.0f);  // 15 % padding without signal
  const cv::Mat padded = to_canonical(test::as_radiograph(raw, 16), Polarity::raw);
  const cv::Rect rest(0, 30, 200, 170);
  EXPECT_LT(cv::mean(cv::abs(reference(rest) - padded(rest)))[0], 0.02);
}

TEST(Canonical, ShieldedBorderOutsideTheFieldDoesNotSetTheRange) {
  // Raw hand without collimator, then a 25 % border shielded to 1 % of the signal (the
  // brightest attenuation of the image, so it would set the top of the range).
  const cv::Mat clear = test::render_raw(test::hand_attenuation(200, false), 20000.0, 8);
  cv::Mat shielded = clear.clone();
  cv::Mat field = cv::Mat::zeros(clear.size(), CV_8UC1);
  const cv::Rect inside(50, 0, 150, 200);
  field(inside).setTo(255);
  shielded.setTo(200.0f, field == 0);
  Preprocessing within, everywhere;
  within.within_field = true;
  everywhere.within_field = false;
  const cv::Mat field_only = canonical_of_pixels(test::as_radiograph(shielded, 16).pixels, Polarity::raw, within, field);
  const cv::Mat squeezed = canonical_of_pixels(test::as_radiograph(shielded, 16).pixels, Polarity::raw, everywhere, field);
  const cv::Mat reference = canonical_of_pixels(test::as_radiograph(clear(inside).clone(), 16).pixels, Polarity::raw, within);
  // Within the field it looks as if the border were not there; taken over the whole image the
  // border takes the top of the range and the field is squeezed below it.
  EXPECT_LT(cv::mean(cv::abs(field_only(inside) - reference))[0], 0.02);
  EXPECT_GT(cv::mean(cv::abs(squeezed(inside) - reference))[0], 0.05);
  EXPECT_FLOAT_EQ(field_only.at<float>(100, 10), 1.0f);  // the border clamps to the top
}

TEST(NetworkInput, SizeTypeAndLabels) {
  const cv::Mat raw = test::render_raw(test::hand_attenuation(333, false), 20000.0, 8);
  cv::Mat wide;
  cv::resize(raw, wide, cv::Size(500, 333));
  Preprocessing windows;
  windows.square_windows = true;
  const cv::Mat input = network_input(test::as_radiograph(wide, 16), Polarity::raw, windows);
  EXPECT_EQ(input.type(), CV_32FC1);
  EXPECT_EQ(input.size(), cv::Size(300, 200));  // 1.5:1, beyond max_squash_aspect: windows
  cv::Mat four_by_three;
  cv::resize(raw, four_by_three, cv::Size(400, 300));
  EXPECT_EQ(network_input(test::as_radiograph(four_by_three, 16), Polarity::raw, windows).size(),
            cv::Size(200, 200));
  EXPECT_EQ(network_input(test::as_radiograph(wide, 16), Polarity::raw, Preprocessing{}).size(),
            cv::Size(200, 200));  // squashed by default

  cv::Mat labels(7, 9, CV_8UC1, cv::Scalar(1));
  labels(cv::Rect(0, 0, 3, 7)).setTo(255);
  const cv::Mat resized = resize_labels(labels, 200);
  EXPECT_EQ(resized.size(), cv::Size(200, 200));
  EXPECT_EQ(cv::countNonZero(resized != 1 & resized != 255), 0);  // no mixed values
  EXPECT_EQ(resized.at<std::uint8_t>(100, 10), 255);
  EXPECT_EQ(resized.at<std::uint8_t>(100, 190), 1);
}

TEST(NetworkGrid, ElongatedImagesKeepTheirShapeSquashedOnlyByOldModels) {
  Preprocessing p;
  p.input_size = 128;
  p.square_windows = true;
  EXPECT_EQ(network_grid({128, 1024}, p), cv::Size(128, 1024));   // a long-leg radiograph
  EXPECT_EQ(network_grid({3000, 1000}, p), cv::Size(384, 128));
  EXPECT_EQ(network_grid({1000, 1300}, p), cv::Size(128, 128));   // up to 1.4:1 squashed
  p.square_windows = false;                                       // a model from before
  EXPECT_EQ(network_grid({128, 1024}, p), cv::Size(128, 128));
}

TEST(NetworkWindows, CoverTheGridWithOverlappingSquares) {
  EXPECT_EQ(network_windows({128, 128}), std::vector<cv::Rect>{cv::Rect(0, 0, 128, 128)});
  for (const cv::Size grid : {cv::Size(128, 1024), cv::Size(300, 200), cv::Size(1001, 97)}) {
    const auto windows = network_windows(grid);
    const bool across = grid.width > grid.height;
    const int side = std::min(grid.width, grid.height), length = std::max(grid.width, grid.height);
    ASSERT_GE(windows.size(), 2u) << grid;
    int previous_end = 0;
    for (std::size_t i = 0; i < windows.size(); ++i) {
      const cv::Rect& w = windows[i];
      EXPECT_EQ(w.width, side);
      EXPECT_EQ(w.height, side);
      EXPECT_EQ(w & cv::Rect({0, 0}, grid), w) << "inside the grid";
      const int start = across ? w.x : w.y;
      if (i == 0) EXPECT_EQ(start, 0);
      else EXPECT_GE(previous_end - start, side / 4) << "neighbours overlap by a quarter";
      previous_end = start + side;
    }
    EXPECT_EQ(previous_end, length) << "the last window ends at the grid's end";
  }
}

TEST(PreprocessingJson, RoundTrip) {
  Preprocessing p;
  p.input_size = 160;
  p.low_percentile = 1.0;
  p.high_percentile = 99.0;
  p.attenuation_floor = 1e-3;
  const nlohmann::json j = p;
  EXPECT_EQ(j.at("method"), "attenuation-percentile-v1");
  const auto back = nlohmann::json::parse(j.dump()).get<Preprocessing>();
  EXPECT_EQ(back.input_size, 160);
  EXPECT_DOUBLE_EQ(back.low_percentile, 1.0);
  EXPECT_DOUBLE_EQ(back.high_percentile, 99.0);
  EXPECT_DOUBLE_EQ(back.attenuation_floor, 1e-3);
  EXPECT_TRUE(back.within_field);
  // A model file from before the option was trained on whole-image percentiles.
  nlohmann::json old = nlohmann::json(p);
  old.erase("within_field");
  EXPECT_FALSE(old.get<Preprocessing>().within_field);
  // ... and squashed every image into one square.
  p.square_windows = true;
  old = nlohmann::json(p);
  EXPECT_TRUE(old.get<Preprocessing>().square_windows);
  old.erase("square_windows");
  EXPECT_FALSE(old.get<Preprocessing>().square_windows);
}

TEST(PreprocessingJson, RejectsWhatItCannotApply) {
  nlohmann::json j = Preprocessing{};
  j["method"] = "zscore";
  EXPECT_THROW(j.get<Preprocessing>(), Error);
  j = Preprocessing{};
  j["input_size"] = 0;
  EXPECT_THROW(j.get<Preprocessing>(), Error);
  j = Preprocessing{};
  j["low_percentile"] = 99.9;
  EXPECT_THROW(j.get<Preprocessing>(), Error);
}

}  // namespace
