#include "postprocess/overlay.hpp"

#include <array>
#include <cstdint>

#include "core/error.hpp"
#include "core/labels.hpp"

namespace xnet {
namespace {

struct Tint {
  cv::Vec3b bgr;
  float alpha;  // 0 = gray left as it is
};

// Index = label value; yellow / blue as the original colour labels, translucent enough to keep
// the anatomy readable underneath.
const std::array<Tint, label::max_classes> tints = {{
    {{255, 255, 255}, 0.0f},  // open beam: white in the reference labels, left untinted
    {{0, 230, 255}, 0.40f},   // soft tissue: yellow
    {{255, 90, 0}, 0.45f},    // bone: blue
    {{60, 60, 60}, 0.60f},    // collimator: dark grey
}};

}  // namespace

cv::Vec3b label_colour(int label) { return tints.at(label).bgr; }

cv::Mat colour_overlay(const cv::Mat& gray8, const cv::Mat& labels) {
  if (gray8.type() != CV_8UC1 || labels.type() != CV_8UC1 || gray8.size() != labels.size())
    throw Error("colour_overlay: expected an 8-bit gray image and a label map of one size");
  // Blend tables per class and gray level: one lookup a channel instead of float arithmetic.
  std::array<std::array<cv::Vec3b, 256>, label::max_classes> table;
  for (int c = 0; c < label::max_classes; ++c)
    for (int g = 0; g < 256; ++g)
      for (int k = 0; k < 3; ++k)
        table[c][g][k] = cv::saturate_cast<std::uint8_t>(g * (1 - tints[c].alpha) +
                                                         tints[c].bgr[k] * tints[c].alpha);
  cv::Mat out(gray8.size(), CV_8UC3);
  cv::parallel_for_(cv::Range(0, gray8.rows), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      const std::uint8_t* g = gray8.ptr<std::uint8_t>(y);
      const std::uint8_t* l = labels.ptr<std::uint8_t>(y);
      cv::Vec3b* o = out.ptr<cv::Vec3b>(y);
      for (int x = 0; x < gray8.cols; ++x)
        o[x] = l[x] < label::max_classes ? table[l[x]][g[x]] : cv::Vec3b(g[x], g[x], g[x]);
    }
  });
  return out;
}

}  // namespace xnet
