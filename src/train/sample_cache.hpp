#pragma once
// Every training, validation and test image read, made canonical and resized to the network's
// input size once, and kept in memory (datasets are ~150-300 images: 240 x 128^2 floats is
// 16 MiB). Each epoch augments from this cache instead of decoding full-resolution files
// again. Torch-free.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "data/dataset.hpp"
#include "preprocess/preprocessing.hpp"

namespace xnet {

struct CachedSample {
  // At network_grid(): input_size^2, or input_size on the short side of an elongated image
  // (batches take a square window of it: batch_loader.hpp).
  cv::Mat image;   // CV_32FC1, canonical (preprocess/preprocessing.hpp)
  cv::Mat labels;  // CV_8UC1, nearest-resized; 0-3, 255 ignore
  std::string category;
  std::string key;  // the image path relative to the dataset root, as in split.csv
  // The same pair at detail_scale x input_size (empty when the scale is 1). Augmentation crops
  // and zooms (up to 1.67x, reference.md) start from these and are shrunk to input_size
  // afterwards, so a zoomed training image is as sharp as the area-shrunk images that
  // validation, test and prediction see, instead of an upsampled blur of the small copy.
  cv::Mat detail_image, detail_labels;
};

// The image path relative to the dataset root (generic form), the key of split.csv.
std::string sample_key(const Dataset& dataset, const Sample& sample);

// Reads samples[indices] of the dataset on `threads` threads, with a progress bar. Polarity is
// detected per image (preprocess/polarity.hpp). detail_scale > 1 also keeps the detail copies.
// Errors name the file.
std::vector<CachedSample> cache_samples(const Dataset& dataset, const std::vector<int>& indices,
                                        const Preprocessing& preprocessing, int threads,
                                        int detail_scale = 1);

// An augmented detail pair brought back to the network's input size: area averaging for the
// image (as network_input does), nearest neighbour for the labels (as resize_labels does).
std::pair<cv::Mat, cv::Mat> shrink_pair(const cv::Mat& image, const cv::Mat& labels, int size);

// Highest label value present (ignoring 255) over the cache: 3 when a collimator is labelled.
int highest_label(const std::vector<CachedSample>& samples);

}  // namespace xnet
