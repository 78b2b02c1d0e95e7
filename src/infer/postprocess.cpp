#include "infer/postprocess.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "core/labels.hpp"
#include "infer/label_regions.hpp"

namespace xnet {
namespace {

void check_probabilities(const std::vector<cv::Mat>& probabilities) {
  if (probabilities.size() < 3 || probabilities.size() > label::max_classes)
    throw Error("decide_labels: expected 3 or 4 class probability maps, got " +
                std::to_string(probabilities.size()));
  for (const cv::Mat& p : probabilities) {
    if (p.type() != CV_32FC1 || p.size() != probabilities[0].size())
      throw Error("decide_labels: every probability map must be CV_32F of one size");
  }
}

cv::Size scaled_size(int side_at_network, cv::Size image, int network_input_size) {
  const double sx = double(image.width) / network_input_size;
  const double sy = double(image.height) / network_input_size;
  return {std::max(1, int(std::lround(side_at_network * sx))),
          std::max(1, int(std::lround(side_at_network * sy)))};
}

}  // namespace

std::vector<cv::Mat> upsample_probabilities(const std::vector<cv::Mat>& small, cv::Size full) {
  std::vector<cv::Mat> out(small.size());
  cv::parallel_for_(cv::Range(0, int(small.size())), [&](const cv::Range& r) {
    for (int c = r.start; c < r.end; ++c) cv::resize(small[c], out[c], full, 0, 0, cv::INTER_LINEAR);
  });
  return out;
}

cv::Mat decide_labels(const std::vector<cv::Mat>& probabilities, double soft_tissue_threshold) {
  check_probabilities(probabilities);
  const int classes = int(probabilities.size());
  const cv::Size size = probabilities[0].size();
  cv::Mat labels(size, CV_8UC1);
  const bool thresholded = soft_tissue_threshold >= 0;
  const float t = float(soft_tissue_threshold);
  cv::parallel_for_(cv::Range(0, size.height), [&](const cv::Range& rows) {
    std::array<const float*, label::max_classes> p{};
    for (int y = rows.start; y < rows.end; ++y) {
      for (int c = 0; c < classes; ++c) p[c] = probabilities[c].ptr<float>(y);
      std::uint8_t* out = labels.ptr<std::uint8_t>(y);
      for (int x = 0; x < size.width; ++x) {
        const float soft = p[label::soft_tissue][x];
        if (thresholded && soft > t) {
          out[x] = label::soft_tissue;
          continue;
        }
        // The larger of the other classes decides (reference.md); soft tissue competes only
        // in plain argmax mode.
        int best = label::open_beam;
        float best_p = p[label::open_beam][x];
        for (int c = 1; c < classes; ++c) {
          if (thresholded && c == label::soft_tissue) continue;
          if (p[c][x] > best_p) best_p = p[c][x], best = c;
        }
        out[x] = std::uint8_t(best);
      }
    }
  });
  return labels;
}

cv::Mat open_bone(const cv::Mat& labels, cv::Size square) {
  // Opening by a kw x kh square = union of the squares that fit inside the bone mask. Box sums
  // from integral images cost the same for any square size (75x75 at 1500 px would cost ~75
  // comparisons a pixel with a plain erosion).
  const int W = labels.cols, H = labels.rows, kw = square.width, kh = square.height;
  cv::Mat bone = (labels == label::bone) / 255;
  cv::Mat opened = cv::Mat::zeros(labels.size(), CV_8UC1);
  if (kw <= W && kh <= H) {
    cv::Mat sums;
    cv::integral(bone, sums, CV_32S);
    // fits(y, x): the square with top-left corner (x, y) lies entirely in bone.
    cv::Mat fits(H - kh + 1, W - kw + 1, CV_8UC1);
    for (int y = 0; y < fits.rows; ++y) {
      const int* top = sums.ptr<int>(y);
      const int* bottom = sums.ptr<int>(y + kh);
      std::uint8_t* f = fits.ptr<std::uint8_t>(y);
      for (int x = 0; x < fits.cols; ++x)
        f[x] = (bottom[x + kw] - top[x + kw] - bottom[x] + top[x]) == kw * kh;
    }
    cv::Mat covers;
    cv::integral(fits, covers, CV_32S);
    // A pixel stays bone when some fitting square's corner lies in [x-kw+1, x] x [y-kh+1, y].
    for (int y = 0; y < H; ++y) {
      const int y0 = std::max(0, y - kh + 1), y1 = std::min(y, fits.rows - 1) + 1;
      if (y0 >= y1) continue;
      const int* top = covers.ptr<int>(y0);
      const int* bottom = covers.ptr<int>(y1);
      std::uint8_t* o = opened.ptr<std::uint8_t>(y);
      for (int x = 0; x < W; ++x) {
        const int x0 = std::max(0, x - kw + 1), x1 = std::min(x, fits.cols - 1) + 1;
        if (x0 < x1) o[x] = (bottom[x1] - top[x1] - bottom[x0] + top[x0]) > 0;
      }
    }
  }
  cv::Mat removed = bone > opened;
  cv::Mat out = labels.clone();
  fill_from_surroundings(out, removed, label::bone);
  return out;
}

cv::Mat dilate_bone(const cv::Mat& labels, int pixels) {
  cv::Mat out = labels.clone();
  if (pixels <= 0) return out;
  cv::Mat distance;
  cv::distanceTransform(labels != label::bone, distance, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  const float reach = float(pixels) + 1e-3f;
  for (int y = 0; y < out.rows; ++y) {
    std::uint8_t* l = out.ptr<std::uint8_t>(y);
    const float* d = distance.ptr<float>(y);
    for (int x = 0; x < out.cols; ++x)
      if (d[x] <= reach && (l[x] == label::open_beam || l[x] == label::soft_tissue)) l[x] = label::bone;
  }
  return out;
}

cv::Mat remove_small_regions(const cv::Mat& labels, int min_pixels) {
  cv::Mat out = labels.clone();
  if (min_pixels <= 1) return out;
  const cv::Mat holes = small_regions_mask(labels, min_pixels);
  fill_from_surroundings(out, holes);
  return out;
}

cv::Mat postprocess(cv::Mat labels, const PostprocessOptions& options) {
  if (labels.type() != CV_8UC1) throw Error("postprocess: the label map must be CV_8U");
  const cv::Size size = labels.size();
  if (options.bone_opening && options.bone_opening_size > 1)
    labels = open_bone(labels, scaled_size(options.bone_opening_size, size, options.network_input_size));
  if (options.bone_dilation > 0) labels = dilate_bone(labels, options.bone_dilation);
  if (options.remove_small_regions && options.min_region_pixels > 1) {
    const double area_ratio = double(size.area()) /
                              (double(options.network_input_size) * options.network_input_size);
    labels = remove_small_regions(labels, int(std::lround(options.min_region_pixels * area_ratio)));
  }
  return labels;
}

}  // namespace xnet
