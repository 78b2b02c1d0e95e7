#pragma once
// The exposed field of a radiograph: a convex polygon in input pixel coordinates, where pixel
// (column c, row r) covers the square [c, c+1) x [r, r+1). Without a collimator the polygon is
// the whole image (0,0) (W,0) (W,H) (0,H) (contract.md).
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

namespace xnet {

struct CollimatorField {
  bool present = false;
  std::vector<cv::Point2f> polygon;
};

// A straight blade edge: the exposed side is normal . x <= offset (normal has unit length and
// points into the shielded side).
struct BladeEdge {
  cv::Point2d normal;
  double offset = 0;
};

// The whole image as a field without collimator.
CollimatorField whole_image_field(cv::Size size);

// The image rectangle cut by each blade's half-plane (convex; empty when nothing is left).
std::vector<cv::Point2f> clip_to_blades(cv::Size size, const std::vector<BladeEdge>& blades);

// CV_8U mask, 255 where the pixel centre (c+0.5, r+0.5) lies inside the polygon (even-odd rule,
// so any simple polygon works, not only convex ones).
cv::Mat field_mask(const CollimatorField& field, cv::Size size);

// Intersection over union of the two fields' masks (1 when both are empty).
double field_iou(const CollimatorField& a, const CollimatorField& b, cv::Size size);

// {"present": bool, "polygon": [[x, y], ...]} (contract.md) and back.
nlohmann::json to_json(const CollimatorField& field);
CollimatorField collimator_field_from_json(const nlohmann::json& json);

// Labels every pixel outside the field collimator (3); pixels inside that carry the collimator
// label (a network with that class) take their surroundings' majority class. Ignore stays.
void apply_collimator_field(cv::Mat& labels, const CollimatorField& field);

}  // namespace xnet
