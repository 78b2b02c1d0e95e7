#pragma once
// Which image trains, which validates, which tests (reference.md, "Split"): 70/15/15; one
// image of every category goes to the held-out part first, so a category with a single image
// is never trained on; the rest of the held-out part is filled from categories with several
// images; the held-out part is then halved into test and validation. Also the folds of
// cross-validation (stratified by category, or one category left out per fold).
// Torch-free; everything is deterministic for a given seed.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "data/dataset.hpp"

namespace xnet {

enum class SplitPart { train, val, test };

std::string to_string(SplitPart part);
SplitPart parse_split_part(const std::string& text);  // "train|val|test"

struct SplitFractions {
  double val = 0.15;   // reference.md
  double test = 0.15;  // reference.md
};

// categories[i] is the category of image i; returns the part of each image.
std::vector<SplitPart> make_split(const std::vector<std::string>& categories,
                                  const SplitFractions& fractions, std::uint64_t seed);

// Indices of the images assigned to `part`.
std::vector<int> indices_of(const std::vector<SplitPart>& parts, SplitPart part);

// RUN/split.csv: header "image,split", one row per image (images[i] with parts[i]), images
// named as the dataset's manifest names them (relative to DATA).
void write_split_csv(const std::filesystem::path& file, const std::vector<std::string>& images,
                     const std::vector<SplitPart>& parts);
// Every row of a split.csv: image -> part. Cells may be quoted, lines may end in CR; an error
// naming the file and line when the header or a row is malformed or a part is unknown.
std::map<std::string, SplitPart> read_split_file(const std::filesystem::path& file);
// The part of each of `images` (training resuming a run's split); an error naming the file
// when an image is missing from it or it names an image that is not in `images`.
std::vector<SplitPart> read_split_csv(const std::filesystem::path& file,
                                      const std::vector<std::string>& images);
// What evaluate and calibrate score: "all": every labelled sample; otherwise the labelled
// samples the split.csv beside the model file (its run folder) assigns to `split` (an image
// is found by its manifest path or, failing that, its stem). An error when there is no
// split.csv, the split name is unknown, or no sample of the dataset is in that split.
std::vector<Sample> select_split(const Dataset& dataset, const std::filesystem::path& model_file,
                                 const std::string& split);

// Cross-validation: fold index (0..k-1) of each image; every category is spread evenly over
// the folds and the folds differ in size by at most one image.
std::vector<int> stratified_folds(const std::vector<std::string>& categories, int k,
                                  std::uint64_t seed);
// Leave-category-out: one fold per category (in sorted category order); fold_names[f] gets
// the category of fold f.
std::vector<int> category_folds(const std::vector<std::string>& categories,
                                std::vector<std::string>* fold_names = nullptr);

// Fisher-Yates with our own index draws, so a seed gives the same order with any standard
// library (std::shuffle's use of the engine is implementation-defined).
template <class T, class Engine>
void shuffle_deterministic(std::vector<T>& v, Engine& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(rng() % i);
    std::swap(v[i - 1], v[j]);
  }
}

// Images grouped by category, categories in sorted order, images in index order.
std::map<std::string, std::vector<int>> group_by_category(
    const std::vector<std::string>& categories);

}  // namespace xnet
