#include "preprocess/polarity.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "collimator/collimator.hpp"
#include "preprocess/exposed_field.hpp"
#include "preprocess/intensity_range.hpp"
#include "preprocess/polarity_cues.hpp"

namespace xnet {

namespace {

constexpr int detection_side = 256;  // enough to see the field and the anatomy, cheap
constexpr float blade_margin_px = 4.0f;  // the blades' edge (penumbra, halo) left out
constexpr float ring_px = 6.0f;  // width of the band along the field's edge
constexpr int collimator_side = 512;  // CollimatorDetector's copy (it refines blades on it)
constexpr float collimator_margin_px = 2.0f;  // its field's edge left out (on n's scale)
constexpr double max_field_share = 0.97;  // a larger detected field counts as none (below)
// Saturation counts when at least this share of the pixels sit exactly at the maximum and
// the image holds at least this many grey levels (fitted on synthetic images only, seeds
// 21-23: see detect_polarity_of_pixels).
// Saturation is judged only where the image spans at least this many grey levels: below, a
// flat open beam can sit on one quantisation level.
constexpr double min_levels = 200;
// The cues' frames: their edges as shares of the shorter side from the image's border.
constexpr std::array<double, 7> frame_edges = {0, 0.02, 0.05, 0.1, 0.2, 0.35, 1.0};
// The top-hat cues' disc radii as shares of the shorter side (polarity_cues.hpp).
constexpr std::array<double, 3> tophat_share = {1.0 / 64, 1.0 / 24, 1.0 / 10};

}  // namespace

namespace detail {

const std::array<const char*, PolarityCues::feature_count> PolarityCues::feature_names = {
    "edge",     "raw_edge", "display_edge", "raw_field", "display_field", "dark_end", "bright_end",
    "saturated", "ring_saturated", "raw_ring_saturated", "display_ring_saturated",
    "frame0",   "frame1",   "frame2",       "frame3",    "frame4",        "frame5",
    "bin0",     "bin1",     "bin2",         "bin3",      "bin4",          "bin5",     "bin6", "bin7",
    "tophat0",  "tophat1",  "tophat2",      "outside_contrast", "outside_bright", "outside_dark"};

std::array<double, PolarityCues::feature_count> PolarityCues::features() const {
  // Saturation as a share of a hundredth of the image, capped: 0.2 % at the maximum counts
  // as much as 1 % (a windowed image clips a little or a lot).
  const double clipped = levels >= min_levels ? std::min(saturated * 100.0, 1.0) : 0.0;
  std::array<double, feature_count> f = {edge,
                                         as_raw.field * as_raw.edge,
                                         as_display.field * as_display.edge,
                                         as_raw.field,
                                         as_display.field,
                                         dark_end,
                                         bright_end,
                                         clipped,
                                         ring_saturated,
                                         as_raw.field * as_raw.ring_saturated,
                                         as_display.field * as_display.ring_saturated};
  std::copy(frames.begin(), frames.end(), f.begin() + 11);
  std::copy(histogram.begin(), histogram.end(), f.begin() + 17);
  std::copy(tophat.begin(), tophat.end(), f.begin() + 25);
  f[28] = outside_contrast;
  f[29] = outside_bright;
  f[30] = outside_dark;
  return f;
}

PolarityCues polarity_cues(const cv::Mat& pixels) {
  CV_Assert(pixels.type() == CV_32FC1);
  if (pixels.empty()) throw Error("cannot decide the polarity of an empty image");
  PolarityCues cues;
  double lo, hi;
  cv::minMaxLoc(pixels, &lo, &hi);
  if (!(hi > lo)) return cues;
  // Saturation: the share of pixels exactly at the maximum, and the number of grey levels
  // (range over the finest step between neighbours; rows sampled every other one).
  const cv::Mat at_max = pixels == hi;
  cues.saturated = cv::countNonZero(at_max) / double(pixels.total());
  float step = float(hi - lo);
  for (int y = 0; y < pixels.rows; y += 2) {
    const float* row = pixels.ptr<float>(y);
    for (int x = 1; x < pixels.cols; ++x) {
      const float d = std::abs(row[x] - row[x - 1]);
      if (d > 0 && d < step) step = d;
    }
  }
  cues.levels = (hi - lo) / step;
  // The band along the exposed field's edge against the field, on a small copy scaled to
  // its robust range.
  const cv::Mat small = shrink_to(pixels, detection_side);
  const IntensityRange range = percentile_range(small, 0.1, 99.9, {}, 1 << 17);
  if (range.span() <= 0.0) return cues;
  cv::Mat n = (small - range.low) / range.span();
  n = cv::min(cv::max(n, 0.0), 1.0);
  cues.dark_end = cv::countNonZero(n <= 0.05) / double(n.total());
  cues.bright_end = cv::countNonZero(n >= 0.95) / double(n.total());
  {
    const double side = std::min(n.cols, n.rows);
    std::array<double, 6> sum{}, count{};
    for (int y = 0; y < n.rows; ++y) {
      const float* row = n.ptr<float>(y);
      for (int x = 0; x < n.cols; ++x) {
        const double d = std::min(std::min(x, n.cols - 1 - x), std::min(y, n.rows - 1 - y)) / side;
        const std::size_t frame = std::upper_bound(frame_edges.begin() + 1, frame_edges.end() - 1, d) - frame_edges.begin() - 1;
        sum[frame] += row[x];
        ++count[frame];
        ++cues.histogram[std::min<std::size_t>(cues.histogram.size() - 1, std::size_t(row[x] * cues.histogram.size()))];
      }
    }
    for (std::size_t i = 0; i < sum.size(); ++i) cues.frames[i] = count[i] > 0 ? sum[i] / count[i] : 0.0;
    for (double& h : cues.histogram) h /= double(n.total());
  }
  cv::Mat field = exposed_field(n.size(), find_blade_edges(n), blade_margin_px);
  if (cv::countNonZero(field) < 0.05 * double(n.total())) field.setTo(1);
  {
    // The border beyond the blades, without their edge (the margin the field leaves out).
    cv::Mat outside;
    cv::dilate(field, outside, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(9, 9)));
    outside = outside == 0;
    const double share = cv::countNonZero(outside) / double(n.total());
    if (share >= 0.02) {
      cues.outside_contrast = cv::mean(n, outside)[0] - cv::mean(n, field)[0];
      cues.outside_bright = cv::countNonZero((n >= 0.95) & outside) / (share * double(n.total()));
      cues.outside_dark = cv::countNonZero((n <= 0.05) & outside) / (share * double(n.total()));
    }
  }
  {
    const double side = std::min(n.cols, n.rows);
    for (std::size_t i = 0; i < cues.tophat.size(); ++i) {
      const int r = std::max(1, int(std::lround(side * tophat_share[i])));
      const cv::Mat disc = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * r + 1, 2 * r + 1));
      cv::Mat white, black, inner;
      cv::morphologyEx(n, white, cv::MORPH_TOPHAT, disc, {-1, -1}, 1, cv::BORDER_REPLICATE);
      cv::morphologyEx(n, black, cv::MORPH_BLACKHAT, disc, {-1, -1}, 1, cv::BORDER_REPLICATE);
      // Away from the field's edge by the disc's size: the collimator's step is no structure.
      cv::erode(field, inner, disc);
      if (cv::countNonZero(inner) < 0.02 * double(n.total())) inner = cv::Mat(n.size(), CV_8U, cv::Scalar(255));
      const double w = cv::mean(white, inner)[0], b = cv::mean(black, inner)[0];
      cues.tophat[i] = w + b > 1e-9 ? (w - b) / (w + b) : 0.0;
    }
  }
  cv::Mat distance;
  const auto distance_to_edge = [&] {
    cv::Mat padded;
    cv::copyMakeBorder(field, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
    cv::distanceTransform(padded, distance, cv::DIST_L2, 3);
    distance = distance(cv::Rect(1, 1, n.cols, n.rows));
  };
  distance_to_edge();
  // A field that is all edge band (a sliver between straight anatomy edges that passed for
  // blades) has no inside to compare the band with: the whole image is taken then.
  if (cv::countNonZero(distance > ring_px) < 0.05 * double(n.total())) {
    field.setTo(1);
    distance_to_edge();
  }
  const cv::Mat ring = (distance > 0) & (distance <= ring_px);
  if (cv::countNonZero(ring) > 0) {
    cues.edge = cv::mean(n, ring)[0] - cv::mean(n, field)[0];
    cv::Mat share;
    at_max.convertTo(share, CV_32F, 1.0 / 255.0);
    cues.ring_saturated = cv::mean(shrink_to(share, detection_side), ring)[0];
  }
  // The same band inside the field the collimator detector finds under each hypothesis
  // (preprocessing, training and inference share that detector), run on a copy of at most
  // collimator_side pixels and its polygon scaled to n. Without a field the whole image is
  // the field.
  const cv::Mat medium = shrink_to(pixels, collimator_side);
  cv::Mat share;
  at_max.convertTo(share, CV_32F, 1.0 / 255.0);
  share = shrink_to(share, detection_side);
  const CollimatorDetector detector;
  for (const bool raw : {true, false}) {
    CollimatorField found = detector.detect(medium, raw);
    PolarityCues::Hypothesis& h = raw ? cues.as_raw : cues.as_display;
    cv::Mat mask(n.size(), CV_8U, cv::Scalar(255));
    if (found.present) {
      const double sx = double(n.cols) / medium.cols, sy = double(n.rows) / medium.rows;
      for (auto& p : found.polygon) p = cv::Point2f(float(p.x * sx), float(p.y * sy));
      mask = field_mask(found, n.size());
    }
    // A field that keeps nearly the whole image leaves a sliver along its border for the
    // shielded side: a blade there cannot be told from the image's edge (fitted on synthetic
    // images only), so the whole image is the field then.
    if (found.present && cv::countNonZero(mask) < max_field_share * double(n.total())) h.field = 1;
    else mask.setTo(255);
    cv::Mat padded, d;
    cv::copyMakeBorder(mask, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
    cv::distanceTransform(padded, d, cv::DIST_L2, 3);
    d = d(cv::Rect(1, 1, n.cols, n.rows));
    const cv::Mat inside = d > collimator_margin_px;
    const cv::Mat band = inside & (d <= collimator_margin_px + ring_px);
    if (cv::countNonZero(band) > 0) {
      h.edge = cv::mean(n, band)[0] - cv::mean(n, inside)[0];
      h.ring_saturated = cv::mean(share, band)[0];
    }
  }
  return cues;
}

}  // namespace detail

namespace {

// One member of the classifier's ensemble: a hidden layer of tanh units on the cues, its
// standardisation folded into the weights.
struct PolarityNetwork {
  static constexpr int hidden = 8;
  std::array<std::array<double, detail::PolarityCues::feature_count>, hidden> weight;
  std::array<double, hidden> bias;
  std::array<double, hidden> output_weight;
  double output_bias;

  double logit(const std::array<double, detail::PolarityCues::feature_count>& cues) const {
    double out = output_bias;
    for (int h = 0; h < hidden; ++h) {
      double sum = bias[h];
      for (std::size_t i = 0; i < cues.size(); ++i) sum += weight[h][i] * cues[i];
      out += output_weight[h] * std::tanh(sum);
    }
    return out;
  }
};

// Fitted by lab/fit_polarity.py on polarity_lab cues of xnet synth images only (polarity_lab
// gen, seeds 31-40 and 46-49: 3780 images of every category at 256, 384 and 512 px, both
// polarities, each at 8, 12 and 16 bits and min-max stretched, raw ones also with the open
// beam clipped at full scale), display errors weighted 3:1 (see the script).
constexpr PolarityNetwork polarity_ensemble[] = {
#include "preprocess/polarity_weights.inc"
};

}  // namespace

Polarity detect_polarity_of_pixels(const cv::Mat& pixels) {
  const auto cues = detail::polarity_cues(pixels).features();
  double logit = 0;  // the members' sum; positive: raw
  for (const PolarityNetwork& member : polarity_ensemble) logit += member.logit(cues);
  return logit > 0 ? Polarity::raw : Polarity::display;
}

std::optional<Polarity> polarity_from_metadata(const Radiograph& radiograph) {
  switch (radiograph.presentation_intent) {
    case PresentationIntent::for_processing: return Polarity::raw;
    case PresentationIntent::for_presentation: return Polarity::display;
    case PresentationIntent::unknown: break;
  }
  return std::nullopt;
}

PolarityDecision decide_polarity(const std::optional<Polarity>& requested, const Radiograph& radiograph) {
  if (requested) return {*requested, PolaritySource::option};
  if (const auto stated = polarity_from_metadata(radiograph)) return {*stated, PolaritySource::dicom};
  try {
    return {detect_polarity_of_pixels(radiograph.pixels), PolaritySource::pixels};
  } catch (const Error& e) {
    throw file_error(radiograph.source, e.what());
  }
}

std::string to_string(Polarity polarity) {
  return polarity == Polarity::raw ? "raw" : "display";
}

std::string to_string(PolaritySource source) {
  switch (source) {
    case PolaritySource::option: return "option";
    case PolaritySource::dicom: return "dicom";
    case PolaritySource::pixels: break;
  }
  return "pixels";
}

std::optional<Polarity> parse_polarity(const std::string& text) {
  if (text == "auto") return std::nullopt;
  if (text == "raw") return Polarity::raw;
  if (text == "display") return Polarity::display;
  throw UsageError("polarity must be auto, raw or display (found '" + text + "')");
}

}  // namespace xnet
