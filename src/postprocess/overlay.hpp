#pragma once
// Colour overlay of a label map on its radiograph, in the colours of the original work's labels
// (reference.md: white open beam, yellow soft tissue, blue bone) plus dark grey collimator.
#include <opencv2/core.hpp>

namespace xnet {

// BGR CV_8UC3 of the gray CV_8U radiograph with each class tinted semi-transparently: open beam
// and ignore (255) left as they are, soft tissue yellow, bone blue, collimator dark grey.
cv::Mat colour_overlay(const cv::Mat& gray8, const cv::Mat& labels);

// The colour (BGR) label 0-3 is tinted with; open beam white.
cv::Vec3b label_colour(int label);

}  // namespace xnet
