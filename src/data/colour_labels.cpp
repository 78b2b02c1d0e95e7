#include "data/colour_labels.hpp"

#include <algorithm>
#include <map>
#include <regex>

#include <opencv2/imgcodecs.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/labels.hpp"
#include "core/progress.hpp"
#include "core/threads.hpp"
#include "data/parallel_for.hpp"
#include "io/radiograph.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

const std::map<std::string, cv::Vec3b>& named_colours() {
  static const std::map<std::string, cv::Vec3b> names = {
      {"black", {0, 0, 0}},      {"white", {255, 255, 255}}, {"red", {255, 0, 0}},
      {"green", {0, 255, 0}},    {"blue", {0, 0, 255}},      {"yellow", {255, 255, 0}},
      {"cyan", {0, 255, 255}},   {"magenta", {255, 0, 255}}};
  return names;
}

// Files given directly, and the images directly inside folders, sorted per folder.
std::vector<fs::path> expand_inputs(const std::vector<fs::path>& inputs) {
  std::vector<fs::path> files;
  for (const fs::path& input : inputs) {
    if (fs::is_directory(input)) {
      std::vector<fs::path> inside;
      for (const auto& entry : fs::directory_iterator(input))
        if (entry.is_regular_file() && entry.path().filename().string()[0] != '.' &&
            is_radiograph_file(entry.path()))
          inside.push_back(entry.path());
      if (inside.empty()) throw file_error(input, "folder holds no images");
      std::sort(inside.begin(), inside.end());
      files.insert(files.end(), inside.begin(), inside.end());
    } else if (fs::exists(input)) {
      files.push_back(input);
    } else {
      throw file_error(input, "file not found");
    }
  }
  return files;
}

}  // namespace

ColourPalette reference_palette() {
  return {{{named_colours().at("white"), label::open_beam},
           {named_colours().at("yellow"), label::soft_tissue},
           {named_colours().at("blue"), label::bone}}};
}

cv::Vec3b parse_colour(const std::string& text) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (const auto it = named_colours().find(t); it != named_colours().end()) return it->second;
  std::smatch m;
  if (std::regex_match(t, m, std::regex("#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})")))
    return {static_cast<uchar>(std::stoi(m[1], nullptr, 16)), static_cast<uchar>(std::stoi(m[2], nullptr, 16)),
            static_cast<uchar>(std::stoi(m[3], nullptr, 16))};
  if (std::regex_match(t, m, std::regex(R"(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*)"))) {
    const int r = std::stoi(m[1]), g = std::stoi(m[2]), b = std::stoi(m[3]);
    if (r <= 255 && g <= 255 && b <= 255)
      return {static_cast<uchar>(r), static_cast<uchar>(g), static_cast<uchar>(b)};
  }
  throw UsageError("unknown colour '" + text + "' (expected a name such as black, #rrggbb or r,g,b)");
}

LabelsFromColours labels_from_colours(const cv::Mat& bgr, const ColourPalette& palette) {
  CV_Assert(bgr.type() == CV_8UC3);
  LabelsFromColours out;
  out.labels.create(bgr.size(), CV_8UC1);
  const double limit = palette.tolerance * palette.tolerance;
  for (int y = 0; y < bgr.rows; ++y) {
    const cv::Vec3b* in = bgr.ptr<cv::Vec3b>(y);
    std::uint8_t* labels = out.labels.ptr<std::uint8_t>(y);
    for (int x = 0; x < bgr.cols; ++x) {
      double best = limit + 1;
      std::uint8_t label = label::ignore;
      for (const LabelColour& c : palette.colours) {
        const double dr = in[x][2] - c.rgb[0], dg = in[x][1] - c.rgb[1], db = in[x][0] - c.rgb[2];
        const double d = dr * dr + dg * dg + db * db;
        if (d < best) best = d, label = c.label;
      }
      labels[x] = label;
      out.unmatched += label == label::ignore;
    }
  }
  return out;
}

std::vector<ImportedLabelImage> import_label_images(const std::vector<fs::path>& inputs,
                                                    const fs::path& out_dir,
                                                    const ColourPalette& palette, int threads) {
  const std::vector<fs::path> files = expand_inputs(inputs);
  std::vector<ImportedLabelImage> results(files.size());
  std::map<fs::path, fs::path> input_of_output;
  for (std::size_t i = 0; i < files.size(); ++i) {
    results[i].input = files[i];
    results[i].output = out_dir / (files[i].stem().string() + ".png");
    const auto [it, inserted] = input_of_output.emplace(results[i].output, files[i]);
    if (!inserted)
      throw file_error(files[i], "same stem as " + it->second.string() + " (both would be written to " +
                                     results[i].output.string() + ")");
    std::error_code ec;
    if (fs::equivalent(files[i], results[i].output, ec))
      throw file_error(files[i], "output would overwrite this input (choose another --out)");
  }
  ensure_directory(out_dir);
  Progress progress("import-labels", files.size());
  parallel_for(files.size(), resolve_threads(threads), [&](std::size_t i) {
    ImportedLabelImage& r = results[i];
    const cv::Mat bgr = cv::imread(r.input.string(), cv::IMREAD_COLOR);
    if (bgr.empty()) throw file_error(r.input, "cannot read as an image");
    const LabelsFromColours converted = labels_from_colours(bgr, palette);
    write_label_map(r.output, converted.labels);
    r.pixels = bgr.total();
    r.unmatched = converted.unmatched;
    progress.advance();
  });
  return results;
}

}  // namespace xnet
