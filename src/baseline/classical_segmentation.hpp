#pragma once
// The classical pipeline the original work compared XNet with (reference.md: edge and shape
// detection with thresholds tuned per image and body part, Kazeminia et al. 2015), made as
// well as a physicist would make it, parameters chosen per image from its own histogram:
//  1. polarity as predict decides it; the collimator as predict finds it from the pixels
//     (collimator/collimator.hpp), label 3 outside the field;
//  2. the image as attenuation (preprocess: -log of a raw image, a display image as it is),
//     normalised within the field, on a working copy, smoothed against quantum noise;
//  3. open beam: Otsu's threshold of the field's attenuation, taken only when the histogram
//     is clearly two-moded (Otsu's separability) and kept where it touches the field's edge
//     or is large: an open beam surrounds the body;
//  4. bone: local contrast, the white top-hat of the attenuation (structures narrower than
//     the disc, brighter than their surroundings) over the body, open beam filled with the
//     body's median first so the body's own edge is no ridge; Otsu's threshold of the top-hat
//     in the body, times a bias; then closing, hole filling, small regions removed;
//  5. the rest of the body soft tissue.
// Two parameters are global (disc size, threshold bias): `tune` fits them once on labelled
// images, never per image.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset.hpp"
#include "predict/segmenter.hpp"

namespace xnet {

struct ClassicalOptions {
  std::optional<Polarity> polarity;  // --polarity raw|display; none: as predict decides
  int working_side = 512;            // longer side of the working copy (labels upscaled)
  double smoothing_sigma = 1.0;      // Gaussian, working pixels, before any threshold
  double bone_scale = 0.04;          // top-hat disc radius, fraction of the shorter side
  double bone_bias = 1.0;            // multiplies the top-hat's Otsu threshold
  // Otsu's separability (between-class over total variance) below which the field is taken
  // to hold no open beam (a hip or spine filling the field splits into two tissue classes).
  double min_open_beam_separability = 0.75;
  double min_region = 0.001;  // smallest bone or open-beam region, fraction of the field
};

void to_json(nlohmann::json& j, const ClassicalOptions& o);
void from_json(const nlohmann::json& j, ClassicalOptions& o);

// The "parameters" of a baseline.json that `xnet baseline` wrote; an Error naming the file.
ClassicalOptions read_classical_parameters(const std::filesystem::path& file);

// Labels 0-3 at the radiograph's full size, the field, the polarity, and one-hot
// "probabilities" (the pipeline decides; it has no scores).
Segmentation classical_segmentation(const Radiograph& radiograph, const ClassicalOptions& options);

struct TuningResult {
  ClassicalOptions options;
  double weighted_f1 = 0;  // on the tuning images, at the working scale
  std::vector<nlohmann::json> grid;  // every combination tried with its weighted F1
};

// The disc size and bias that give the best support-weighted F1 over `samples` (labelled),
// from a grid; the per-image steps that do not depend on them run once per image.
TuningResult tune_classical(const std::vector<Sample>& samples, const ClassicalOptions& start,
                            bool show_progress = true);

}  // namespace xnet
