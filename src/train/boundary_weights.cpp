#include "train/boundary_weights.hpp"

#include <opencv2/imgproc.hpp>

#include "core/labels.hpp"

namespace xnet {

cv::Mat boundary_weights(const cv::Mat& labels, double w0, double sigma) {
  cv::Mat weights(labels.size(), CV_32F, cv::Scalar(1.0f));
  if (w0 <= 0) return weights;
  // 0 on boundary pixels, 255 elsewhere: distanceTransform measures distance to the zeros.
  cv::Mat free(labels.size(), CV_8U, cv::Scalar(255));
  bool any = false;
  for (int y = 0; y < labels.rows; ++y)
    for (int x = 0; x < labels.cols; ++x) {
      const auto v = labels.at<std::uint8_t>(y, x);
      if (v == label::ignore) continue;
      const auto differs = [&](int yy, int xx) {
        const auto u = labels.at<std::uint8_t>(yy, xx);
        return u != v && u != label::ignore;
      };
      if ((x + 1 < labels.cols && differs(y, x + 1)) || (y + 1 < labels.rows && differs(y + 1, x)) ||
          (x > 0 && differs(y, x - 1)) || (y > 0 && differs(y - 1, x))) {
        free.at<std::uint8_t>(y, x) = 0;
        any = true;
      }
    }
  if (!any) return weights;
  cv::Mat distance;
  cv::distanceTransform(free, distance, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  cv::Mat d2 = distance.mul(distance) * (-1.0 / (2.0 * sigma * sigma));
  cv::exp(d2, d2);
  weights += d2 * w0;
  return weights;
}

}  // namespace xnet
