#include "data/label_values.hpp"

#include "core/labels.hpp"

namespace xnet {

std::uint64_t LabelCounts::invalid() const {
  std::uint64_t n = 0;
  for (int v = 0; v < 256; ++v)
    if (!label::is_valid(static_cast<std::uint8_t>(v))) n += by_value[v];
  return n;
}

LabelCounts count_labels(const cv::Mat& labels) {
  CV_Assert(labels.type() == CV_8UC1);
  LabelCounts counts;
  for (int y = 0; y < labels.rows; ++y) {
    const std::uint8_t* row = labels.ptr<std::uint8_t>(y);
    for (int x = 0; x < labels.cols; ++x) ++counts.by_value[row[x]];
  }
  return counts;
}

std::string describe_invalid_labels(const cv::Mat& labels, const LabelCounts& counts) {
  const std::uint64_t bad = counts.invalid();
  if (bad == 0) return "";
  std::string values;
  int kinds = 0;
  for (int v = 0; v < 256; ++v)
    if (counts.by_value[v] && !label::is_valid(static_cast<std::uint8_t>(v))) {
      values += (kinds++ ? ", " : "") + std::to_string(v);
    }
  for (int y = 0; y < labels.rows; ++y) {
    const std::uint8_t* row = labels.ptr<std::uint8_t>(y);
    for (int x = 0; x < labels.cols; ++x)
      if (!label::is_valid(row[x])) {
        const std::string at = "at (x=" + std::to_string(x) + ", y=" + std::to_string(y) + ")";
        const std::string pixels = std::to_string(bad) + (bad == 1 ? " pixel" : " pixels");
        if (kinds == 1) return "invalid label value " + values + " " + at + ", " + pixels + " (allowed: 0-3, 255)";
        return "invalid label values " + values + ": first " + std::to_string(row[x]) + " " + at +
               ", " + pixels + " in all (allowed: 0-3, 255)";
      }
  }
  return "";  // unreachable: counts said some pixel is invalid
}

std::string describe_size_mismatch(const cv::Mat& mask, const cv::Mat& image,
                                   const std::filesystem::path& image_file) {
  if (mask.size() == image.size()) return "";
  const auto wxh = [](const cv::Mat& m) { return std::to_string(m.cols) + "x" + std::to_string(m.rows); };
  return "mask is " + wxh(mask) + " but its image " + image_file.string() + " is " + wxh(image) +
         " (width x height must match)";
}

}  // namespace xnet
