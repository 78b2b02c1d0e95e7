#include "augment/augmenter.hpp"

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "augment/intensity.hpp"
#include "augment/random_draw.hpp"
#include "core/error.hpp"
#include "core/labels.hpp"

namespace xnet {

namespace {

constexpr double degrees = M_PI / 180.0;

cv::Matx33d translation(double dx, double dy) { return {1, 0, dx, 0, 1, dy, 0, 0, 1}; }

// Flips, affine about the centre and the random crop resized back, as one matrix mapping
// input pixel positions to output positions (pixel centres at integer coordinates).
cv::Matx33d draw_spatial_transform(const AugmentOptions& o, cv::Size size, std::mt19937& rng) {
  const double w = size.width, h = size.height;
  const bool flip_x = draw::chance(rng, o.flip_probability);
  const bool flip_y = draw::chance(rng, o.flip_probability);
  const cv::Matx33d flip{flip_x ? -1.0 : 1.0, 0, flip_x ? w - 1 : 0,
                         0, flip_y ? -1.0 : 1.0, flip_y ? h - 1 : 0, 0, 0, 1};

  const double dx = draw::symmetric(rng, o.max_translation) * w;
  const double dy = draw::symmetric(rng, o.max_translation) * h;
  const double angle = draw::symmetric(rng, o.max_rotation_deg) * degrees;
  const double shear = draw::symmetric(rng, o.max_shear_deg) * degrees;
  const cv::Matx33d rotation{std::cos(angle), -std::sin(angle), 0,
                             std::sin(angle), std::cos(angle), 0, 0, 0, 1};
  const cv::Matx33d shearing{1, std::tan(shear), 0, 0, 1, 0, 0, 0, 1};
  const double cx = (w - 1) / 2, cy = (h - 1) / 2;
  const cv::Matx33d affine =
      translation(cx + dx, cy + dy) * rotation * shearing * translation(-cx, -cy);

  const bool crop = draw::chance(rng, o.crop_probability);
  const double removed_x = draw::uniform(rng, o.min_crop, o.max_crop);
  const double removed_y = draw::uniform(rng, o.min_crop, o.max_crop);
  const double where_x = draw::uniform(rng, 0.0, 1.0);
  const double where_y = draw::uniform(rng, 0.0, 1.0);
  cv::Matx33d zoom = cv::Matx33d::eye();
  if (crop) {  // the kept window [x0, x0 + kept_w) stretched over the whole output
    const double kept_w = (1.0 - removed_x) * w, kept_h = (1.0 - removed_y) * h;
    const double x0 = where_x * (w - kept_w), y0 = where_y * (h - kept_h);
    const double sx = w / kept_w, sy = h / kept_h;
    zoom = cv::Matx33d{sx, 0, (0.5 - x0) * sx - 0.5, 0, sy, (0.5 - y0) * sy - 0.5, 0, 0, 1};
  }
  return zoom * affine * flip;
}

// A smooth random displacement field (pixels) for one axis: uniform noise on a coarse grid
// whose cell is the correlation length, interpolated cubically, scaled to the wanted s.d.
cv::Mat draw_displacement(const AugmentOptions& o, cv::Size size, cv::RNG& noise_rng) {
  const int cells = std::max(2, int(std::ceil(1.0 / o.elastic_smoothness)));
  cv::Mat coarse(cells, cells, CV_32FC1);
  noise_rng.fill(coarse, cv::RNG::UNIFORM, -1.0, 1.0);
  cv::Mat field;
  cv::resize(coarse, field, size, 0, 0, cv::INTER_CUBIC);
  cv::Scalar mean, sd;
  cv::meanStdDev(field, mean, sd);
  const double scale = sd[0] > 0 ? o.elastic_displacement * std::max(size.width, size.height) / sd[0] : 0.0;
  field.convertTo(field, CV_32F, scale, -mean[0] * scale);
  return field;
}

void check_pair(const cv::Mat& image, const cv::Mat& labels) {
  if (image.type() != CV_32FC1 || image.empty())
    throw Error("augmentation: the image must be a non-empty single-channel float image");
  if (labels.type() != CV_8UC1 || labels.size() != image.size())
    throw Error("augmentation: the labels must be an 8-bit map of the image's size (image " +
                std::to_string(image.cols) + "x" + std::to_string(image.rows) + ", labels " +
                std::to_string(labels.cols) + "x" + std::to_string(labels.rows) + ")");
}

}  // namespace

std::pair<cv::Mat, cv::Mat> Augmenter::apply(const cv::Mat& image, const cv::Mat& labels,
                                             std::mt19937& rng) const {
  check_pair(image, labels);
  if (!options_.enabled) return {image.clone(), labels.clone()};
  const AugmentOptions& o = options_;
  const cv::Size size = image.size();
  const int label_border = o.reflect_labels ? cv::BORDER_REFLECT_101 : cv::BORDER_CONSTANT;
  const cv::Scalar ignore(label::ignore);

  // One resampling for flips, affine and crop: cubic like the reference's crop resize, and
  // no second blur from a bilinear pass before it.
  const cv::Matx33d transform = draw_spatial_transform(o, size, rng);
  const cv::Mat forward(transform.get_minor<2, 3>(0, 0));
  cv::Mat out_image, out_labels;
  cv::warpAffine(image, out_image, forward, size, cv::INTER_CUBIC, cv::BORDER_REFLECT_101);
  cv::warpAffine(labels, out_labels, forward, size, cv::INTER_NEAREST, label_border, ignore);
  // Cubic interpolation overshoots at edges: keep the input's range.
  double lo = 0, hi = 0;
  cv::minMaxLoc(image, &lo, &hi);
  cv::min(cv::max(out_image, lo), hi, out_image);

  const bool elastic = draw::chance(rng, o.elastic_probability);
  const double blur_sigma = draw::uniform(rng, 0.0, o.max_blur_sigma);
  const std::uint64_t seed_high = rng();
  const std::uint64_t seed_low = rng();
  if (elastic && o.elastic_displacement > 0.0) {
    cv::RNG noise_rng(seed_high << 32 | seed_low);
    cv::Mat map_x = draw_displacement(o, size, noise_rng);
    cv::Mat map_y = draw_displacement(o, size, noise_rng);
    for (int y = 0; y < size.height; ++y) {
      float* mx = map_x.ptr<float>(y);
      float* my = map_y.ptr<float>(y);
      for (int x = 0; x < size.width; ++x) {
        mx[x] += float(x);
        my[x] += float(y);
      }
    }
    cv::Mat warped_image, warped_labels;
    cv::remap(out_image, warped_image, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_REFLECT_101);
    cv::remap(out_labels, warped_labels, map_x, map_y, cv::INTER_NEAREST, label_border, ignore);
    out_image = warped_image;
    out_labels = warped_labels;
  } else if (!elastic && blur_sigma > 0.05) {  // below 0.05 px the kernel is the identity
    cv::GaussianBlur(out_image, out_image, cv::Size(0, 0), blur_sigma);
  }

  augment_intensity(out_image, out_labels, o, rng);
  return {out_image, out_labels};
}

}  // namespace xnet
