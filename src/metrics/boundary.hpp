#pragma once
// Boundary figures of a segmentation, at the resolution of the label maps given (issue 17):
// boundary F1 (the BF score of Csurka et al. 2013, "What is a good evaluation measure for
// semantic segmentation?") at a tolerance in pixels, and the 95th-percentile boundary distance
// (HD95, as MONAI's compute_hausdorff_distance(percentile=95): the larger of the two directed
// 95th percentiles), in pixels and, for images with a pixel spacing, in millimetres.
//
// Boundary of class k in a label map: a pixel of k with a 4-neighbour of another labelled class
// (255 never makes a boundary). For open beam, soft tissue and bone, meeting the collimator
// (label 3) is not a boundary either: the collimator's edge is the collimator class's own. A
// predicted boundary pixel is judged only where the truth is labelled within the tolerance, so
// partial labels (255 around a labelled bone) neither reward nor punish what they do not show.
//
// Pooled over images: precision = matched predicted boundary pixels / all judged ones, recall
// likewise for true boundary pixels; distances pooled in histograms of 1/16 px (and 1/64 mm)
// bins, a percentile read as its bin's lower edge (exact for whole pixels). Where an image has boundary pixels of a class on one side only, their distance is the
// image's diagonal (no counterpart anywhere: as far as the image allows).
#include <cstdint>
#include <optional>
#include <vector>

#include <opencv2/core.hpp>

namespace xnet::metrics {

// CV_8U 0/255 map of class k's boundary pixels in `labels` (rule above).
cv::Mat class_boundary(const cv::Mat& labels, int k);

struct BoundaryFigures {
  // Recall, F1 and HD95 exist where the truth has boundary pixels of the class (F1 0 where none
  // was predicted); precision where predicted ones were judged.
  std::optional<double> precision, recall, f1;
  std::optional<double> hd95_px, hd95_mm;
  std::uint64_t truth_pixels = 0, predicted_pixels = 0;  // boundary pixels counted
};

class BoundaryAccumulator {
 public:
  BoundaryAccumulator(int classes, double tolerance_px);

  // truth, predicted: CV_8U label maps of one size (truth 255 = not labelled).
  // mm_per_pixel: the image's pixel spacing (the mean of row and column spacing), if known.
  // One caller at a time (the classes of one image run in parallel inside).
  void add(const cv::Mat& truth, const cv::Mat& predicted, std::optional<double> mm_per_pixel);

  std::vector<BoundaryFigures> result() const;  // one per class
  double tolerance_px() const { return tolerance_; }

 private:
  struct Distances {  // histogram of distances, fixed-width bins; the last bin takes the rest
    explicit Distances(double bin) : bin(bin), counts(65536, 0) {}
    void add(double d);
    std::optional<double> percentile(double q) const;
    double bin;
    std::uint64_t total = 0;
    std::vector<std::uint64_t> counts;
  };
  struct Class {
    Class() : to_truth_px(1.0 / 16), to_predicted_px(1.0 / 16), to_truth_mm(1.0 / 64), to_predicted_mm(1.0 / 64) {}
    std::uint64_t predicted = 0, predicted_matched = 0, truth = 0, truth_matched = 0;
    Distances to_truth_px, to_predicted_px, to_truth_mm, to_predicted_mm;
  };
  void add_class(int k, const cv::Mat& truth, const cv::Mat& predicted, const cv::Mat& unjudged, double diagonal,
                 std::optional<double> mm_per_pixel);
  int classes_;
  double tolerance_;
  std::vector<Class> per_class_;
};

}  // namespace xnet::metrics
