#pragma once
// Robust intensity statistics shared by polarity detection and normalisation.
#include <opencv2/core.hpp>

namespace xnet {

struct IntensityRange {
  double low = 0.0;
  double high = 0.0;
  double span() const { return high - low; }
};

// The low_pct and high_pct percentiles (0..100) of a CV_32FC1 image over the pixels where
// `valid` (CV_8UC1, optional) is nonzero. A regular subsample of at most max_samples pixels is
// used, so a 1500x1500 image costs a fraction of a millisecond instead of a full sort.
// Returns {0, 0} when no pixel is valid.
IntensityRange percentile_range(const cv::Mat& values, double low_pct, double high_pct,
                                const cv::Mat& valid = {}, int max_samples = 1 << 16);

// Area-averaging resize to a smaller size. OpenCV's area resize is several times faster for
// integer factors, so the image is first binned by the largest integer factor that keeps it
// at least the target size (dropping at most factor-1 edge rows and columns), then
// area-resized the rest of the way: 1500x1500 -> 200x200 in ~3 ms instead of ~15 ms.
cv::Mat area_shrink(const cv::Mat& image, cv::Size target);

// The image shrunk (area interpolation) so that its longer side is at most max_side.
cv::Mat shrink_to(const cv::Mat& image, int max_side);

}  // namespace xnet
