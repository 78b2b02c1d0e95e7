#pragma once
// The part of a dataset a model was trained, validated or tested on. A model trained by
// `xnet train` sits in its run folder beside RUN/split.csv (header image,split; one row per
// image, split = train|val|test), which names images as the dataset's manifest does.
#include <filesystem>
#include <string>
#include <vector>

#include "data/dataset.hpp"

namespace xnet {

// "all": every labelled sample. Otherwise the labelled samples that split.csv beside the model
// file assigns to `split`; an error when there is no split.csv, the split name is unknown, or
// no sample of the dataset is in that split.
std::vector<Sample> select_split(const Dataset& dataset, const std::filesystem::path& model_file,
                                 const std::string& split);

}  // namespace xnet
