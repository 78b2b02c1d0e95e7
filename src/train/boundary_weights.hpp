#pragma once
// U-Net's idea (Ronneberger et al. 2015, named in the slides): raise the loss near class
// boundaries so thin structures and edges are learnt. Torch-free.
#include <opencv2/core.hpp>

namespace xnet {

// CV_32F weights 1 + w0 * exp(-d^2 / (2 sigma^2)), d = distance in pixels to the nearest pixel
// whose 4-neighbourhood holds another (non-ignore) label. w0 <= 0 gives all ones.
cv::Mat boundary_weights(const cv::Mat& labels, double w0, double sigma);

}  // namespace xnet
