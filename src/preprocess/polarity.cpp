#include "preprocess/polarity.hpp"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "infer/collimator.hpp"
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
constexpr double min_saturated = 0.002;
constexpr double min_levels = 200;
// ... unless at least this share of the band along the field's edge is at the maximum: a
// detector that clips the open beam saturates where the beam meets the field's edge.
constexpr double max_ring_saturated = 0.5;
// A quarter of the image at the dark end of its range and a tenth of that at the bright end,
// with no consistent collimator under either hypothesis, is open beam
// (see detect_polarity_of_pixels).
constexpr double min_dark_open_beam = 0.25;
constexpr double max_bright_to_dark = 0.1;

}  // namespace

namespace detail {

const std::array<const char*, PolarityCues::count> PolarityCues::names = {
    "edge",      "saturated",  "levels",   "ring_saturated", "dark_end", "bright_end", "raw_field",
    "raw_edge", "raw_ring_saturated", "display_field", "display_edge", "display_ring_saturated"};

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
  cv::Mat field = exposed_field(n.size(), find_blade_edges(n), blade_margin_px);
  if (cv::countNonZero(field) < 0.05 * double(n.total())) field.setTo(1);
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

Polarity detect_polarity_of_pixels(const cv::Mat& pixels) {
  const detail::PolarityCues cues = detail::polarity_cues(pixels);
  // Saturation is evidence for display only: a processed image is windowed, and what lies
  // beyond the window (bone peaks, the collimator) is clipped to white; a detector's raw
  // signal stays below full scale with its noise on it. Its absence says nothing (many
  // clinical images are not clipped), so the edge cue decides then. Below 200 grey levels a
  // flat open beam can sit on one quantisation level, so saturation is not judged.
  //
  // A detector that clips the open beam saturates where the beam meets the blades: a band
  // along a detected field's edge mostly at the maximum, under either hypothesis (a display
  // image's band there is its dark open beam; only a field the detector found counts, not
  // the whole image's border, which a display image's white shutter can fill).
  const auto clipped = [](const detail::PolarityCues::Hypothesis& h) {
    return h.field > 0 && h.ring_saturated >= max_ring_saturated;
  };
  if (clipped(cues.as_raw) || clipped(cues.as_display)) return Polarity::raw;
  if (cues.levels >= min_levels && cues.saturated >= min_saturated &&
      cues.ring_saturated < max_ring_saturated)
    return Polarity::display;
  // A hypothesis is self-consistent when the collimator detector, told it, finds a field
  // whose edge cue agrees with it (bright band: raw; dark band: display). One consistent
  // hypothesis decides; with both or neither, the edge along the blade finder's field does.
  const bool raw_consistent = cues.as_raw.field > 0 && cues.as_raw.edge > 0;
  const bool display_consistent = cues.as_display.field > 0 && cues.as_display.edge < 0;
  if (raw_consistent != display_consistent) return raw_consistent ? Polarity::raw : Polarity::display;
  // With no consistent collimator under either hypothesis, much of the image at its dark end
  // and almost none at its bright end is open beam, dark only on a display image: a
  // mammogram's background beside the breast, the surround of a hand, with only the densest
  // tissue or bone bright. A raw image that dark over as much is shielded (the detector finds
  // the field then) or thick anatomy (a hip), with the open beam beside it at the bright end.
  if (!raw_consistent && cues.dark_end >= min_dark_open_beam && cues.bright_end <= max_bright_to_dark * cues.dark_end)
    return Polarity::display;
  return cues.edge > 0 ? Polarity::raw : Polarity::display;
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
