#include "collimator/collimator_field.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/labels.hpp"
#include "postprocess/label_regions.hpp"

namespace xnet {

CollimatorField whole_image_field(cv::Size size) {
  const float w = float(size.width), h = float(size.height);
  return {false, {{0, 0}, {w, 0}, {w, h}, {0, h}}};
}

std::vector<cv::Point2f> clip_to_blades(cv::Size size, const std::vector<BladeEdge>& blades) {
  // Sutherland-Hodgman, one half-plane at a time, in double precision.
  std::vector<cv::Point2d> poly = {{0, 0}, {double(size.width), 0},
                                   {double(size.width), double(size.height)}, {0, double(size.height)}};
  for (const BladeEdge& blade : blades) {
    std::vector<cv::Point2d> kept;
    for (std::size_t i = 0; i < poly.size(); ++i) {
      const cv::Point2d& p = poly[i];
      const cv::Point2d& q = poly[(i + 1) % poly.size()];
      const double dp = blade.normal.dot(p) - blade.offset, dq = blade.normal.dot(q) - blade.offset;
      if (dp <= 0) kept.push_back(p);
      if ((dp < 0 && dq > 0) || (dp > 0 && dq < 0)) kept.push_back(p + (q - p) * (dp / (dp - dq)));
    }
    poly = std::move(kept);
    if (poly.empty()) break;
  }
  return std::vector<cv::Point2f>(poly.begin(), poly.end());
}

cv::Mat field_mask(const CollimatorField& field, cv::Size size) {
  cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
  const auto& poly = field.polygon;
  if (poly.size() < 3) return mask;
  std::vector<double> crossings;
  for (int r = 0; r < size.height; ++r) {
    const double y = r + 0.5;
    crossings.clear();
    for (std::size_t i = 0; i < poly.size(); ++i) {
      const cv::Point2f& p = poly[i];
      const cv::Point2f& q = poly[(i + 1) % poly.size()];
      if ((p.y <= y) != (q.y <= y)) crossings.push_back(p.x + (y - p.y) * (q.x - p.x) / (q.y - p.y));
    }
    std::sort(crossings.begin(), crossings.end());
    std::uint8_t* m = mask.ptr<std::uint8_t>(r);
    for (std::size_t i = 0; i + 1 < crossings.size(); i += 2) {
      // Columns whose centre c + 0.5 lies in [left, right).
      const int c0 = std::max(0, int(std::ceil(crossings[i] - 0.5)));
      const int c1 = std::min(size.width, int(std::ceil(crossings[i + 1] - 0.5)));
      if (c0 < c1) std::fill(m + c0, m + c1, std::uint8_t(255));
    }
  }
  return mask;
}

double field_iou(const CollimatorField& a, const CollimatorField& b, cv::Size size) {
  const cv::Mat ma = field_mask(a, size), mb = field_mask(b, size);
  const double both = cv::countNonZero(ma & mb), either = cv::countNonZero(ma | mb);
  return either == 0 ? 1.0 : both / either;
}

nlohmann::json to_json(const CollimatorField& field) {
  nlohmann::json polygon = nlohmann::json::array();
  for (const cv::Point2f& p : field.polygon) polygon.push_back({p.x, p.y});
  return {{"present", field.present}, {"polygon", polygon}};
}

CollimatorField collimator_field_from_json(const nlohmann::json& json) {
  CollimatorField field;
  try {
    field.present = json.at("present").get<bool>();
    for (const auto& p : json.at("polygon")) field.polygon.emplace_back(p.at(0).get<float>(), p.at(1).get<float>());
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("collimator field: expected {\"present\": bool, \"polygon\": [[x, y], ...]}: ") +
                e.what());
  }
  return field;
}

void apply_collimator_field(cv::Mat& labels, const CollimatorField& field) {
  CV_Assert(labels.type() == CV_8UC1);
  const cv::Mat inside = field_mask(field, labels.size());
  fill_from_surroundings(labels, (labels == label::collimator) & inside, label::collimator);
  labels.setTo(label::collimator, (inside == 0) & (labels != label::ignore));
}

}  // namespace xnet
