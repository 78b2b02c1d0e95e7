#pragma once
// A contact sheet of synthetic examples beside their coloured label maps, to look at.
#include <filesystem>
#include <vector>

#include "synth/generator.hpp"

namespace xnet::synth {

// Label colours of the original labels (reference.md: white open beam, yellow soft tissue,
// blue bone), grey collimator, red ignore. BGR.
cv::Vec3b label_colour(std::uint8_t label);

void write_preview(const std::filesystem::path& file, const std::vector<SyntheticImage>& examples);

}  // namespace xnet::synth
