#pragma once
// A picture of what augmentation does, to look at before a long training run
// (`xnet train --preview-augment grid.png`).
#include <filesystem>
#include <random>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "augment/augmenter.hpp"

namespace xnet {

using AugmentedPair = std::pair<cv::Mat, cv::Mat>;  // CV_32FC1 image 0..1, CV_8UC1 labels

// Label map in the overlay's colours (postprocess/overlay.hpp label_colour: the reference's white,
// yellow and blue, collimator dark grey); ignore (255) magenta, anything else black. CV_8UC3 BGR.
cv::Mat colour_labels(const cv::Mat& labels);

// `count` augmentations of one pair, the untouched pair first.
std::vector<AugmentedPair> augmented_examples(const Augmenter& augmenter, const cv::Mat& image,
                                              const cv::Mat& labels, int count,
                                              std::mt19937& rng);

// A grid, `columns` pairs wide, of tiles "image | coloured labels", written atomically as PNG.
void write_augment_preview(const std::filesystem::path& png,
                           const std::vector<AugmentedPair>& examples, int columns = 4);

}  // namespace xnet
