#pragma once
// A dataset per contract.md: DATA/manifest.csv (image,mask,category; paths relative to DATA)
// or, without a manifest, DATA/images and DATA/masks paired by file stem.
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "io/radiograph.hpp"

namespace xnet {

struct Sample {
  std::filesystem::path image;  // DATA joined with the manifest's path
  std::filesystem::path mask;   // empty: unlabelled (usable by predict only)
  std::string category;         // body part or phantom kind
  std::string name;             // the image's file stem
  // The manifest's optional polarity column: "raw" or "display" where the dataset knows it
  // (xnet synth writes it), empty where the pixels must tell (preprocess/polarity.hpp).
  std::string polarity;
  bool labelled() const { return !mask.empty(); }
};

struct Dataset {
  std::filesystem::path root;
  std::vector<Sample> samples;  // manifest order, or sorted by path for folder pairing

  std::vector<std::string> categories() const;  // sorted, unique
  std::size_t labelled_count() const;
};

// One thing wrong with a dataset; `message` is the whole line, starting with the file's path.
struct DatasetProblem {
  std::filesystem::path file;
  std::string message;
};
DatasetProblem dataset_problem(const std::filesystem::path& file, const std::string& what);

// What the dataset lists, and every structural problem found without decoding pixels: missing
// folder, bad manifest header or row, duplicate rows, missing files, empty dataset.
struct DatasetListing {
  Dataset dataset;
  std::vector<DatasetProblem> problems;
};
DatasetListing list_dataset(const std::filesystem::path& root);

// The dataset, or xnet::Error naming the first structural problem (and how many more).
Dataset load_dataset(const std::filesystem::path& root);

// The sample's label map, checked: 8-bit single channel, values 0-3 and 255 only. Throws
// xnet::Error naming the mask, the bad value, its pixel position and how many pixels are bad.
cv::Mat read_labels_checked(const Sample& sample);

// Image and labels of a labelled sample, with the sizes checked against each other.
struct LabelledRadiograph {
  Radiograph image;
  cv::Mat labels;  // CV_8UC1, same size as image.pixels
};
LabelledRadiograph read_labelled(const Sample& sample);

}  // namespace xnet
