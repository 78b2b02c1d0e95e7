#pragma once
// Full-resolution position of a blade edge found on the working scale.
#include <opencv2/core.hpp>

#include "collimator/collimator_field.hpp"

namespace xnet {

// `image`: CV_32F, open beam bright. The edge runs from `a` to `b` (the stretch bordering the
// field), `outward` points into the shielded side, `working_scale` = input pixels per working
// pixel (how far off the coarse line may be). The stretch is cut into chunks; in each, the
// chunk-averaged profile across the line locates the edge (centroid of the brightness drop),
// and a robust straight-line fit through those points gives the blade.
BladeEdge refine_blade_edge(const cv::Mat& image, cv::Point2d a, cv::Point2d b, cv::Point2d outward,
                            double working_scale);

}  // namespace xnet
