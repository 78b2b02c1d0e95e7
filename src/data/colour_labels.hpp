#pragma once
// Colour-coded label images of the original work (reference.md: white = open beam, yellow =
// soft tissue, blue = bone) turned into label maps, tolerant to JPEG colour noise.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace xnet {

struct LabelColour {
  cv::Vec3b rgb;
  std::uint8_t label;
};

struct ColourPalette {
  std::vector<LabelColour> colours;
  // Largest Euclidean RGB distance from a palette colour still taken as that colour. The
  // reference colours are at least 255 apart, so anything below 127 is unambiguous.
  double tolerance = 100.0;
};

// White -> 0 open beam, yellow -> 1 soft tissue, blue -> 2 bone (reference.md).
ColourPalette reference_palette();

// "black", "white", "red", "green", "blue", "yellow", "cyan", "magenta", "#rrggbb" or "r,g,b".
// Throws xnet::UsageError for anything else.
cv::Vec3b parse_colour(const std::string& text);

struct LabelsFromColours {
  cv::Mat labels;               // CV_8UC1
  std::uint64_t unmatched = 0;  // pixels far from every palette colour, set to 255 (ignore)
};
// `bgr` is CV_8UC3 as OpenCV reads it; each pixel takes the nearest palette colour's label.
LabelsFromColours labels_from_colours(const cv::Mat& bgr, const ColourPalette& palette);

struct ImportedLabelImage {
  std::filesystem::path input, output;
  std::uint64_t pixels = 0, unmatched = 0;
};

// Converts every input (files, or folders: every image directly inside) into OUT/STEM.png.
// Throws xnet::Error naming the file for unreadable inputs, clashing stems, or an output that
// would overwrite an input.
std::vector<ImportedLabelImage> import_label_images(const std::vector<std::filesystem::path>& inputs,
                                                    const std::filesystem::path& out_dir,
                                                    const ColourPalette& palette, int threads = 0);

}  // namespace xnet
