#pragma once
// What `xnet predict` writes for one radiograph STEM (contract.md), as one set:
//   DIR/STEM_mask.png     labels 0-3, 8-bit, full resolution
//   DIR/STEM_overlay.png  the labels in colour over the image
//   DIR/STEM.json         {"image","width","height","fractions","collimator","seconds"}
//   DIR/STEM_probabilities.tif (optional) one 16-bit sample per class, p * 65535, samples in
//                         class order as TIFF readers see them (OpenCV's imread reorders the
//                         first three to BGR, like any colour TIFF)
//   DIR/STEM_shutter.dcm  (optional, DICOM inputs with a collimator) a copy of the input with
//                         the field as its polygonal Display Shutter (io/dicom.hpp)
//   DIR/STEM_seg.dcm      (optional, DICOM inputs) the labels as a DICOM Segmentation object,
//                         one binary segment per class (io/dicom_segmentation.hpp)
// The set appears together or not at all (core/atomic_file.hpp FileSet), replacing an older
// set whole: the JSON is renamed into place last, so a STEM.json means the image's outputs
// are complete, and a failed image leaves none of its outputs.
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "io/dicom_segmentation.hpp"
#include "io/radiograph.hpp"
#include "predict/segmenter.hpp"

namespace xnet {

// The file in each output folder that lists, a name a line, every file predict wrote there
// (before renaming it into place): input_files.hpp leaves them out of a later run's inputs.
constexpr const char* kOutputsList = ".xnet-outputs";

// The names that folder's outputs list holds (none when predict never wrote there).
std::set<std::string> recorded_outputs(const std::filesystem::path& dir);

struct PredictionPaths {
  std::filesystem::path mask, overlay, summary, probabilities, shutter, segmentation;
};
PredictionPaths prediction_paths(const std::filesystem::path& dir, const std::filesystem::path& image);

// The image as people look at it, 8 bit, for overlays.
cv::Mat display_gray8(const Radiograph& radiograph, Polarity polarity);

// Fraction of the image's pixels per label 0-3, keyed by class name; they sum to 1.
nlohmann::json label_fractions(const cv::Mat& labels);

// The STEM.json object; seconds = the image's time from read to write.
nlohmann::json prediction_summary(const Radiograph& radiograph, const Segmentation& segmentation,
                                  double seconds);

// The outputs written only when asked for.
struct OptionalOutputs {
  bool probabilities = false;
  bool dicom_shutter = false;  // for DICOM inputs in which a collimator was found
  // For DICOM inputs: STEM_seg.dcm, naming this algorithm, when set.
  std::optional<SegmentationAlgorithm> dicom_segmentation;
};

// The label map as DICOM segments: open beam, soft tissue and bone always (an absent class is
// an empty segment), collimator where there is any; coded per PS3.16 CID 7150/7151.
std::vector<SegmentDescription> dicom_segments(const cv::Mat& labels);

// Writes every file above; the write time is added to segmentation.timings.write. Throws
// (an Error naming the file) with none of the image's outputs left.
void write_prediction(const std::filesystem::path& dir, const Radiograph& radiograph,
                      Segmentation& segmentation, const OptionalOutputs& optional);

}  // namespace xnet
