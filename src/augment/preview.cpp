#include "augment/preview.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/labels.hpp"
#include "postprocess/overlay.hpp"

namespace xnet {

namespace {
constexpr int gap = 4;  // pixels of white between tiles

// The overlay's colours (postprocess/overlay.hpp); pixels not labelled magenta, black anything else.
cv::Vec3b colour_of(std::uint8_t value) {
  if (value < label::max_classes) return label_colour(value);
  return value == label::ignore ? cv::Vec3b(255, 0, 255) : cv::Vec3b(0, 0, 0);
}

cv::Mat tile_of(const AugmentedPair& pair) {
  cv::Mat gray, image;
  pair.first.convertTo(gray, CV_8U, 255.0);
  cv::cvtColor(gray, image, cv::COLOR_GRAY2BGR);
  cv::Mat tile(image.rows, image.cols * 2 + gap, CV_8UC3, cv::Scalar::all(255));
  image.copyTo(tile(cv::Rect(0, 0, image.cols, image.rows)));
  colour_labels(pair.second).copyTo(tile(cv::Rect(image.cols + gap, 0, image.cols, image.rows)));
  return tile;
}
}  // namespace

cv::Mat colour_labels(const cv::Mat& labels) {
  CV_Assert(labels.type() == CV_8UC1);
  cv::Mat out(labels.size(), CV_8UC3);
  for (int y = 0; y < labels.rows; ++y) {
    const auto* l = labels.ptr<std::uint8_t>(y);
    auto* o = out.ptr<cv::Vec3b>(y);
    for (int x = 0; x < labels.cols; ++x) o[x] = colour_of(l[x]);
  }
  return out;
}

std::vector<AugmentedPair> augmented_examples(const Augmenter& augmenter, const cv::Mat& image,
                                              const cv::Mat& labels, int count,
                                              std::mt19937& rng) {
  std::vector<AugmentedPair> examples{{image.clone(), labels.clone()}};
  for (int i = 1; i < count; ++i) examples.push_back(augmenter.apply(image, labels, rng));
  return examples;
}

void write_augment_preview(const std::filesystem::path& png,
                           const std::vector<AugmentedPair>& examples, int columns) {
  if (examples.empty()) throw file_error(png, "no examples to preview");
  columns = std::max(1, std::min(columns, int(examples.size())));
  const int rows = (int(examples.size()) + columns - 1) / columns;
  // Tiles may differ in size (different images): each cell is as large as the largest.
  int cell_w = 0, cell_h = 0;
  std::vector<cv::Mat> tiles;
  for (const auto& pair : examples) {
    tiles.push_back(tile_of(pair));
    cell_w = std::max(cell_w, tiles.back().cols);
    cell_h = std::max(cell_h, tiles.back().rows);
  }
  cv::Mat grid(rows * (cell_h + gap) - gap, columns * (cell_w + gap) - gap, CV_8UC3,
               cv::Scalar::all(255));
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    const int r = int(i) / columns, c = int(i) % columns;
    tiles[i].copyTo(grid(cv::Rect(c * (cell_w + gap), r * (cell_h + gap), tiles[i].cols,
                                  tiles[i].rows)));
  }
  write_atomically(png, [&](const std::filesystem::path& tmp) {
    if (!cv::imwrite(tmp.string(), grid)) throw file_error(png, "cannot write the preview");
  });
}

}  // namespace xnet
