#include "metrics/boundary.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "core/labels.hpp"

namespace xnet::metrics {

cv::Mat class_boundary(const cv::Mat& labels, int k) {
  CV_Assert(labels.type() == CV_8UC1);
  cv::Mat out(labels.size(), CV_8U, cv::Scalar(0));
  const auto separates = [k](int other) {
    return other != k && other != label::ignore && (k == label::collimator || other != label::collimator);
  };
  for (int y = 0; y < labels.rows; ++y) {
    const std::uint8_t* row = labels.ptr<std::uint8_t>(y);
    const std::uint8_t* up = y > 0 ? labels.ptr<std::uint8_t>(y - 1) : nullptr;
    const std::uint8_t* down = y + 1 < labels.rows ? labels.ptr<std::uint8_t>(y + 1) : nullptr;
    std::uint8_t* o = out.ptr<std::uint8_t>(y);
    for (int x = 0; x < labels.cols; ++x) {
      if (row[x] != k) continue;
      if ((x > 0 && separates(row[x - 1])) || (x + 1 < labels.cols && separates(row[x + 1])) ||
          (up && separates(up[x])) || (down && separates(down[x])))
        o[x] = 255;
    }
  }
  return out;
}

void BoundaryAccumulator::Distances::add(double d) {
  const auto i = static_cast<std::size_t>(std::max(0.0, d / bin));
  counts[std::min(i, counts.size() - 1)] += 1;
  total += 1;
}

std::optional<double> BoundaryAccumulator::Distances::percentile(double q) const {
  if (total == 0) return std::nullopt;
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    seen += counts[i];
    if (seen >= std::max<std::uint64_t>(rank, 1)) return static_cast<double>(i) * bin;
  }
  return static_cast<double>(counts.size() - 1) * bin;
}

BoundaryAccumulator::BoundaryAccumulator(int classes, double tolerance_px)
    : classes_(classes), tolerance_(tolerance_px), per_class_(classes) {
  if (!(tolerance_px >= 0) || tolerance_px > 1000)
    throw UsageError("boundary tolerance must be 0..1000 pixels, not " + std::to_string(tolerance_px));
}

namespace {

// Distance of every pixel to the nearest set pixel of `boundary` (exact Euclidean).
cv::Mat distance_to(const cv::Mat& boundary) {
  cv::Mat dist;
  cv::distanceTransform(boundary == 0, dist, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  return dist;
}

}  // namespace

void BoundaryAccumulator::add(const cv::Mat& truth, const cv::Mat& predicted, std::optional<double> mm_per_pixel) {
  if (truth.type() != CV_8UC1 || predicted.type() != CV_8UC1 || truth.size() != predicted.size())
    throw Error("boundary figures: truth and prediction must be 8-bit label maps of one size");
  const double diagonal = std::hypot(truth.rows, truth.cols);
  // Where the truth cannot judge a predicted boundary: not labelled within the tolerance.
  cv::Mat unjudged = truth == label::ignore;
  if (cv::countNonZero(unjudged) > 0 && tolerance_ >= 1) {
    const int r = static_cast<int>(std::ceil(tolerance_));
    cv::dilate(unjudged, unjudged, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * r + 1, 2 * r + 1}));
  }
  // Classes touch only their own counts: one class per thread.
  cv::parallel_for_(cv::Range(0, classes_), [&](const cv::Range& range) {
    for (int k = range.start; k < range.end; ++k) add_class(k, truth, predicted, unjudged, diagonal, mm_per_pixel);
  });
}

void BoundaryAccumulator::add_class(int k, const cv::Mat& truth, const cv::Mat& predicted, const cv::Mat& unjudged,
                                    double diagonal, std::optional<double> mm_per_pixel) {
  Class& c = per_class_[k];
  const cv::Mat true_edge = class_boundary(truth, k), predicted_edge = class_boundary(predicted, k);
  const bool has_truth = cv::countNonZero(true_edge) > 0, has_predicted = cv::countNonZero(predicted_edge) > 0;
  if (!has_truth && !has_predicted) return;
  const cv::Mat to_truth = has_truth ? distance_to(true_edge) : cv::Mat();
  const cv::Mat to_predicted = has_predicted ? distance_to(predicted_edge) : cv::Mat();
  for (int y = 0; y < truth.rows; ++y) {
    const std::uint8_t* t = true_edge.ptr<std::uint8_t>(y);
    const std::uint8_t* p = predicted_edge.ptr<std::uint8_t>(y);
    const std::uint8_t* u = unjudged.ptr<std::uint8_t>(y);
    for (int x = 0; x < truth.cols; ++x) {
      if (p[x] && !u[x]) {
        const double d = has_truth ? to_truth.at<float>(y, x) : diagonal;
        c.predicted += 1;
        c.predicted_matched += d <= tolerance_;
        c.to_truth_px.add(d);
        if (mm_per_pixel) c.to_truth_mm.add(d * *mm_per_pixel);
      }
      if (t[x]) {
        const double d = has_predicted ? to_predicted.at<float>(y, x) : diagonal;
        c.truth += 1;
        c.truth_matched += d <= tolerance_;
        c.to_predicted_px.add(d);
        if (mm_per_pixel) c.to_predicted_mm.add(d * *mm_per_pixel);
      }
    }
  }
}

std::vector<BoundaryFigures> BoundaryAccumulator::result() const {
  const auto larger = [](std::optional<double> a, std::optional<double> b) -> std::optional<double> {
    if (!a) return b;
    if (!b) return a;
    return std::max(*a, *b);
  };
  std::vector<BoundaryFigures> out;
  for (const Class& c : per_class_) {
    BoundaryFigures f;
    f.truth_pixels = c.truth;
    f.predicted_pixels = c.predicted;
    if (c.predicted > 0) f.precision = double(c.predicted_matched) / double(c.predicted);
    if (c.truth > 0) f.recall = double(c.truth_matched) / double(c.truth);
    // Without a true boundary anywhere (partial labels: a bone labelled inside unknown pixels)
    // there is nothing to find: recall, F1 and HD95 do not exist; precision still says whether
    // boundaries were drawn where the labels say there is none.
    if (c.truth == 0) {
      out.push_back(f);
      continue;
    }
    if (f.precision)
      f.f1 = *f.precision + *f.recall > 0 ? 2 * *f.precision * *f.recall / (*f.precision + *f.recall) : 0.0;
    else
      f.f1 = 0.0;  // true boundaries and none predicted: none of them found
    f.hd95_px = larger(c.to_truth_px.percentile(0.95), c.to_predicted_px.percentile(0.95));
    f.hd95_mm = larger(c.to_truth_mm.percentile(0.95), c.to_predicted_mm.percentile(0.95));
    out.push_back(f);
  }
  return out;
}

}  // namespace xnet::metrics
