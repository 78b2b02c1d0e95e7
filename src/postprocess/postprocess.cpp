#include "postprocess/postprocess.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "core/labels.hpp"
#include "postprocess/label_regions.hpp"

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

cv::Size scaled_size(int side_at_network, cv::Size image, cv::Size network_grid) {
  const double sx = double(image.width) / network_grid.width;
  const double sy = double(image.height) / network_grid.height;
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
  // Opening by a kw x kh square = union of the squares that fit inside the bone mask. Run
  // lengths along rows then columns make each pass O(1) a pixel whatever the square's size (a
  // plain erosion would cost ~75 comparisons a pixel for 75x75 at 1500 px).
  const int W = labels.cols, H = labels.rows, kw = square.width, kh = square.height;
  // fits(y, x): the square with top-left corner (x, y) lies entirely in bone.
  cv::Mat fits(labels.size(), CV_8UC1);
  for (int y = 0; y < H; ++y) {
    const std::uint8_t* l = labels.ptr<std::uint8_t>(y);
    std::uint8_t* f = fits.ptr<std::uint8_t>(y);
    int run = 0;  // bone pixels from x rightwards
    for (int x = W - 1; x >= 0; --x) {
      run = l[x] == label::bone ? run + 1 : 0;
      f[x] = run >= kw;
    }
  }
  std::vector<int> column_run(W, 0);
  for (int y = H - 1; y >= 0; --y) {
    std::uint8_t* f = fits.ptr<std::uint8_t>(y);
    for (int x = 0; x < W; ++x) {
      column_run[x] = f[x] ? column_run[x] + 1 : 0;
      f[x] = column_run[x] >= kh;
    }
  }
  // covered(y, x): some fitting square's corner lies in [x-kw+1, x] x [y-kh+1, y].
  cv::Mat covered(labels.size(), CV_8UC1);
  for (int y = 0; y < H; ++y) {
    const std::uint8_t* f = fits.ptr<std::uint8_t>(y);
    std::uint8_t* c = covered.ptr<std::uint8_t>(y);
    int since = kw;  // columns since the last corner on this row
    for (int x = 0; x < W; ++x) {
      since = f[x] ? 0 : since + 1;
      c[x] = since < kw;
    }
  }
  std::vector<int> rows_since(W, kh);
  cv::Mat removed(labels.size(), CV_8UC1);
  for (int y = 0; y < H; ++y) {
    const std::uint8_t* c = covered.ptr<std::uint8_t>(y);
    const std::uint8_t* l = labels.ptr<std::uint8_t>(y);
    std::uint8_t* r = removed.ptr<std::uint8_t>(y);
    for (int x = 0; x < W; ++x) {
      rows_since[x] = c[x] ? 0 : rows_since[x] + 1;
      r[x] = l[x] == label::bone && rows_since[x] >= kh ? 255 : 0;
    }
  }
  cv::Mat out = labels.clone();
  fill_from_surroundings(out, removed, label::bone);
  return out;
}

cv::Mat dilate_bone(const cv::Mat& labels, int pixels) {
  cv::Mat out = labels.clone();
  if (pixels <= 0) return out;
  // Exact Euclidean disc, row by row: distance along each row to the nearest bone pixel, then
  // a pixel is reached when some row dy away has bone within sqrt(d^2 - dy^2) columns.
  const int W = labels.cols, H = labels.rows;
  cv::Mat along_row(labels.size(), CV_16UC1);
  for (int y = 0; y < H; ++y) {
    const std::uint8_t* l = labels.ptr<std::uint8_t>(y);
    std::uint16_t* d = along_row.ptr<std::uint16_t>(y);
    int since = 1 << 15;
    for (int x = 0; x < W; ++x) d[x] = std::uint16_t(since = l[x] == label::bone ? 0 : std::min(since + 1, 1 << 15));
    since = 1 << 15;
    for (int x = W - 1; x >= 0; --x) {
      since = l[x] == label::bone ? 0 : std::min(since + 1, 1 << 15);
      d[x] = std::min<std::uint16_t>(d[x], std::uint16_t(since));
    }
  }
  std::vector<std::uint16_t> half_width(2 * pixels + 1);
  for (int dy = -pixels; dy <= pixels; ++dy)
    half_width[dy + pixels] = std::uint16_t(std::floor(std::sqrt(double(pixels) * pixels - dy * dy) + 1e-9));
  cv::Mat reached = cv::Mat::zeros(labels.size(), CV_8UC1);
  for (int y = 0; y < H; ++y) {
    std::uint8_t* r = reached.ptr<std::uint8_t>(y);
    for (int dy = std::max(-pixels, -y); dy <= std::min(pixels, H - 1 - y); ++dy) {
      const std::uint16_t* d = along_row.ptr<std::uint16_t>(y + dy);
      const std::uint16_t w = half_width[dy + pixels];
      for (int x = 0; x < W; ++x) r[x] |= d[x] <= w;
    }
    std::uint8_t* l = out.ptr<std::uint8_t>(y);
    for (int x = 0; x < W; ++x)
      if (r[x] && (l[x] == label::open_beam || l[x] == label::soft_tissue)) l[x] = label::bone;
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
    labels = open_bone(labels, scaled_size(options.bone_opening_size, size, options.network_grid));
  if (options.bone_dilation > 0) labels = dilate_bone(labels, options.bone_dilation);
  if (options.remove_small_regions && options.min_region_pixels > 1) {
    const double area_ratio = double(size.area()) / double(options.network_grid.area());
    labels = remove_small_regions(labels, int(std::lround(options.min_region_pixels * area_ratio)));
  }
  return labels;
}

}  // namespace xnet
