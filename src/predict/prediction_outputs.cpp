#include "predict/prediction_outputs.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <system_error>

#include <opencv2/imgcodecs.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/labels.hpp"
#include "postprocess/overlay.hpp"
#include "io/dicom_segmentation.hpp"
#include "io/dicom.hpp"
#include "io/png_file.hpp"
#include "preprocess/preprocessing.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

void write_probabilities(const fs::path& tmp, const std::vector<cv::Mat>& probabilities, const fs::path& file) {
  // OpenCV's TIFF writer swaps channels 0 and 2 (BGR -> RGB) for 3 and 4 channels; swapping
  // them here stores class k as sample k in the file.
  std::vector<cv::Mat> channels(probabilities.size());
  for (std::size_t c = 0; c < probabilities.size(); ++c)
    probabilities[c].convertTo(channels[c], CV_16U, 65535.0);
  if (channels.size() == 3 || channels.size() == 4) std::swap(channels[0], channels[2]);
  cv::Mat merged;
  cv::merge(channels, merged);
  if (!cv::imwrite(tmp.string(), merged)) throw file_error(file, "cannot write probabilities");
}

// Appends the set's names to the folder's outputs list, once per name: a folder predicted into
// again and again keeps one line per output.
void record_outputs(const fs::path& dir, const std::vector<fs::path>& written) {
  static std::mutex mutex;
  static std::map<fs::path, std::set<std::string>> recorded;
  std::lock_guard lock(mutex);
  auto& names = recorded[dir];
  if (names.empty()) names = recorded_outputs(dir);
  std::string lines;
  for (const auto& file : written) {
    if (names.insert(file.filename().string()).second) lines += file.filename().string() + "\n";
  }
  if (lines.empty()) return;
  std::ofstream list(dir / kOutputsList, std::ios::app | std::ios::binary);
  list << lines;
  if (!list.flush()) throw file_error(dir / kOutputsList, "cannot write");
}

}  // namespace

std::set<std::string> recorded_outputs(const fs::path& dir) {
  std::set<std::string> names;
  std::ifstream list(dir / kOutputsList);
  for (std::string name; std::getline(list, name);)
    if (!name.empty()) names.insert(name);
  return names;
}

cv::Mat display_gray8(const Radiograph& radiograph, Polarity polarity) {
  cv::Mat canonical = to_canonical(radiograph, polarity), gray;
  canonical.convertTo(gray, CV_8U, 255.0);
  return gray;
}

PredictionPaths prediction_paths(const fs::path& dir, const fs::path& image) {
  const std::string stem = image.stem().string();
  return {dir / (stem + "_mask.png"), dir / (stem + "_overlay.png"), dir / (stem + ".json"),
          dir / (stem + "_probabilities.tif"), dir / (stem + "_shutter.dcm"),
          dir / (stem + "_seg.dcm")};
}

nlohmann::json label_fractions(const cv::Mat& labels) {
  CV_Assert(labels.type() == CV_8UC1);
  int histogram[256] = {};
  for (int y = 0; y < labels.rows; ++y) {
    const auto* row = labels.ptr<std::uint8_t>(y);
    for (int x = 0; x < labels.cols; ++x) ++histogram[row[x]];
  }
  const double total = static_cast<double>(labels.total());
  nlohmann::json fractions = nlohmann::json::object();
  for (int l = 0; l < label::max_classes; ++l) fractions[label::names[l]] = total > 0 ? histogram[l] / total : 0.0;
  return fractions;
}

std::vector<SegmentDescription> dicom_segments(const cv::Mat& labels) {
  CV_Assert(labels.type() == CV_8UC1);
  // PS3.16 CID 7150 categories and CID 7151 types. The open beam is radiation through air (DCM
  // 112143); no standard code names a collimated region, so it has one of xnet's own, in a
  // private "99" coding scheme (PS3.16 section 8.2).
  struct Coding {
    DicomCode category, type;
  };
  const std::array<Coding, label::max_classes> codes = {{
      {{"105590001", "SCT", "Substance"}, {"112143", "DCM", "Air"}},
      {{"85756007", "SCT", "Tissue"}, {"87784001", "SCT", "Soft tissue"}},
      {{"85756007", "SCT", "Tissue"}, {"3138006", "SCT", "Bone"}},
      {{"260787004", "SCT", "Physical object"}, {"COLLIMATED", "99XNET", "Collimated region"}},
  }};
  std::vector<SegmentDescription> segments;
  for (int l = 0; l < label::max_classes; ++l) {
    cv::Mat mask = labels == l;
    if (l == label::collimator && cv::countNonZero(mask) == 0) continue;
    std::string name = label::names[l];
    std::replace(name.begin(), name.end(), '_', ' ');
    segments.push_back({name, codes[l].category, codes[l].type, label_colour(l), mask});
  }
  return segments;
}

nlohmann::json prediction_summary(const Radiograph& radiograph, const Segmentation& s, double seconds) {
  return {{"image", radiograph.source.string()},
          {"width", radiograph.width()},
          {"height", radiograph.height()},
          {"fractions", label_fractions(s.labels)},
          {"collimator", to_json(s.field)},
          {"polarity", to_string(s.polarity)},
          {"polarity_source", to_string(s.polarity_source)},
          {"soft_tissue_threshold", s.soft_tissue_threshold},
          {"seconds", seconds}};
}

void write_prediction(const fs::path& dir, const Radiograph& radiograph, Segmentation& s,
                      const OptionalOutputs& optional) {
  const auto start = std::chrono::steady_clock::now();
  const auto paths = prediction_paths(dir, radiograph.source);
  const bool dicom = is_dicom_file(radiograph.source);
  const bool with_shutter = optional.dicom_shutter && s.field.present && dicom;
  const bool with_segmentation = optional.dicom_segmentation && dicom;
  // One set, all or nothing (core/atomic_file.hpp); the JSON staged last, renamed last.
  FileSet outputs;
  std::vector<fs::path> written = {paths.mask, paths.overlay};
  const auto mask = outputs.stage(paths.mask), overlay = outputs.stage(paths.overlay);
  const auto probabilities = optional.probabilities ? outputs.stage(paths.probabilities) : fs::path();
  const auto shutter = with_shutter ? outputs.stage(paths.shutter) : fs::path();
  const auto segmentation = with_segmentation ? outputs.stage(paths.segmentation) : fs::path();
  const auto summary = outputs.stage(paths.summary);
  if (optional.probabilities) written.push_back(paths.probabilities);
  if (with_shutter) written.push_back(paths.shutter);
  if (with_segmentation) written.push_back(paths.segmentation);
  written.push_back(paths.summary);
  // The overlay's deflate (~25 ms for 1500^2) on a thread of its own, beside the mask and the
  // probabilities.
  auto overlay_written = std::async(std::launch::async, [&] {
    write_png_file(overlay, colour_overlay(display_gray8(radiograph, s.polarity), s.labels), paths.overlay);
  });
  try {
    write_png_file(mask, s.labels, paths.mask);
    if (optional.probabilities) write_probabilities(probabilities, s.probabilities, paths.probabilities);
    if (with_shutter) write_dicom_with_shutter(radiograph.source, shutter, s.field.polygon, paths.shutter);
    if (with_segmentation)
      write_dicom_segmentation(radiograph.source, segmentation, dicom_segments(s.labels), *optional.dicom_segmentation,
                               paths.segmentation);
  } catch (...) {
    overlay_written.wait();
    throw;
  }
  overlay_written.get();
  s.timings.write = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ofstream json(summary, std::ios::binary);
  json << prediction_summary(radiograph, s, s.timings.total()).dump(2) << "\n";
  json.close();
  if (!json) throw file_error(paths.summary, "cannot write");
  record_outputs(dir, written);
  outputs.commit();
  // An older set's optional outputs that this one lacks.
  std::error_code ignored;
  if (!optional.probabilities) fs::remove(paths.probabilities, ignored);
  if (optional.dicom_shutter && !with_shutter) fs::remove(paths.shutter, ignored);  // no field this time
  if (optional.dicom_segmentation && !with_segmentation) fs::remove(paths.segmentation, ignored);
}

}  // namespace xnet
