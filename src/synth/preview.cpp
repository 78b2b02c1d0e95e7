#include "synth/preview.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/labels.hpp"

namespace xnet::synth {

cv::Vec3b label_colour(std::uint8_t v) {
  switch (v) {
    case label::open_beam: return {255, 255, 255};
    case label::soft_tissue: return {0, 220, 255};
    case label::bone: return {230, 80, 20};
    case label::collimator: return {90, 90, 90};
    default: return {0, 0, 200};
  }
}

namespace {
constexpr int tile = 256;

cv::Mat gray_tile(const SyntheticImage& image) {
  // Stretch raw values over their own range so 12- and 16-bit images both show.
  double lo, hi;
  cv::minMaxLoc(image.pixels, &lo, &hi);
  cv::Mat g;
  image.pixels.convertTo(g, CV_8U, 255.0 / std::max(hi - lo, 1.0), -lo * 255.0 / std::max(hi - lo, 1.0));
  cv::resize(g, g, cv::Size(tile, tile), 0, 0, cv::INTER_AREA);
  cv::cvtColor(g, g, cv::COLOR_GRAY2BGR);
  return g;
}

cv::Mat label_tile(const SyntheticImage& image) {
  cv::Mat c(image.labels.size(), CV_8UC3);
  for (int y = 0; y < c.rows; ++y)
    for (int x = 0; x < c.cols; ++x) c.at<cv::Vec3b>(y, x) = label_colour(image.labels.at<std::uint8_t>(y, x));
  cv::resize(c, c, cv::Size(tile, tile), 0, 0, cv::INTER_NEAREST);
  // The true field outline, as later collimator detection should find it.
  std::vector<cv::Point> outline;
  const double k = double(tile) / image.labels.cols;
  for (const auto& p : image.field.polygon) outline.emplace_back(cvRound(p.x * k), cvRound(p.y * k));
  if (image.field.present) cv::polylines(c, outline, true, cv::Scalar(0, 160, 0), 2);
  return c;
}
}  // namespace

void write_preview(const std::filesystem::path& file, const std::vector<SyntheticImage>& examples) {
  const int columns = 4;  // pairs per row
  const int rows = (static_cast<int>(examples.size()) + columns - 1) / columns;
  cv::Mat sheet(std::max(rows, 1) * tile, columns * 2 * tile, CV_8UC3, cv::Scalar(40, 40, 40));
  for (std::size_t i = 0; i < examples.size(); ++i) {
    const int r = static_cast<int>(i) / columns, col = static_cast<int>(i) % columns;
    gray_tile(examples[i]).copyTo(sheet(cv::Rect(col * 2 * tile, r * tile, tile, tile)));
    label_tile(examples[i]).copyTo(sheet(cv::Rect((col * 2 + 1) * tile, r * tile, tile, tile)));
    const std::string caption = examples[i].category + (examples[i].display ? " display" : " raw");
    cv::putText(sheet, caption, {col * 2 * tile + 6, r * tile + 18}, cv::FONT_HERSHEY_SIMPLEX, 0.5,
                cv::Scalar(0, 0, 255), 1, cv::LINE_AA);
  }
  write_atomically(file, [&](const std::filesystem::path& tmp) {
    if (!cv::imwrite(tmp.string(), sheet)) throw file_error(file, "cannot write preview image");
  });
}

}  // namespace xnet::synth
