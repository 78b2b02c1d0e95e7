// Measurement program for detect_polarity_of_pixels (not part of the suite).
//   polarity_lab gen DIR SEED COUNT SIZE   synthetic images (mixed polarity) as exact 16-bit PNGs
//                                          named raw_* / display_*
//   polarity_lab eval FILE...              CSV: file, truth, variant, verdict, ms. Synthetic
//                                          files are quantised to 8, 12, 16 bits (q8 q12 q16:
//                                          full scale 65535 raw / 255 display mapped to 2^b-1)
//                                          and min-max stretched to 8 bits (s8); raw ones
//                                          also with the open beam clipped at full scale
//                                          (clip8 clip12 clip16); other files
//                                          are taken as display, as read.
//   polarity_lab cues FILE...              CSV: file, truth, variant and the features of
//                                          polarity_cues.hpp (variants as for eval), what
//                                          fit_polarity.py fits
//   polarity_lab show OUT FILE...          montage of thumbnails with the field estimate drawn
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include <opencv2/imgproc.hpp>

#include "io/radiograph.hpp"
#include "preprocess/exposed_field.hpp"
#include "preprocess/intensity_range.hpp"
#include "preprocess/polarity.hpp"
#include "preprocess/polarity_cues.hpp"
#include "synth/anatomy.hpp"
#include "synth/generator.hpp"

namespace fs = std::filesystem;
using namespace xnet;

static cv::Mat quantise(const cv::Mat& v, double full, int bits) {
  cv::Mat q;
  v.convertTo(q, CV_32F, (std::pow(2.0, bits) - 1) / full);
  for (int y = 0; y < q.rows; ++y)
    for (int x = 0; x < q.cols; ++x) q.at<float>(y, x) = std::round(q.at<float>(y, x));
  return q;
}

static cv::Mat stretch(const cv::Mat& v, int bits) {
  double lo, hi;
  cv::minMaxLoc(v, &lo, &hi);
  return quantise(v - lo, std::max(hi - lo, 1.0), bits);
}

// A raw image whose open beam the detector clipped: gain so that everything above 1/1.25 of
// the maximum passes 65535, clamped there, then quantised to `bits`.
static cv::Mat clip_open_beam(const cv::Mat& v, int bits) {
  double lo, hi;
  cv::minMaxLoc(v, &lo, &hi);
  return quantise(cv::min(v * (1.25 * 65535.0 / std::max(hi, 1.0)), 65535.0), 65535, bits);
}

// A file's copies to judge: synthetic ones (named raw_* / display_*) at every depth, with its
// open beam clipped too for raw ones; a real file as it is. Sets `raw` from the name.
static std::vector<std::pair<std::string, cv::Mat>> variants_of(const fs::path& file, bool& raw) {
  const std::string name = file.filename().string();
  raw = name.rfind("raw_", 0) == 0;
  const bool synthetic = raw || name.rfind("display_", 0) == 0;
  const Radiograph r = read_radiograph(file);
  if (!synthetic) return {{"file", r.pixels}};
  const double full = raw ? 65535 : 255;
  std::vector<std::pair<std::string, cv::Mat>> variants = {{"q8", quantise(r.pixels, full, 8)},
                                                           {"q12", quantise(r.pixels, full, 12)},
                                                           {"q16", quantise(r.pixels, full, 16)},
                                                           {"s8", stretch(r.pixels, 8)}};
  if (raw)
    for (int bits : {8, 12, 16}) variants.emplace_back("clip" + std::to_string(bits), clip_open_beam(r.pixels, bits));
  return variants;
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "gen" && argc == 6) {
    const fs::path dir = argv[2];
    const std::uint64_t seed = std::stoull(argv[3]);
    const int count = std::stoi(argv[4]), size = std::stoi(argv[5]);
    fs::create_directories(dir);
    const auto& names = synth::category_names();
    for (int i = 0; i < count; ++i) {
      const std::string cat = names[i % names.size()];
      const auto im = synth::synthesize(cat, seed, i, size, synth::Polarity::mixed, false);
      char buf[256];
      std::snprintf(buf, sizeof buf, "%s_%s_s%llu_%d_%03d.png", im.display ? "display" : "raw",
                    cat.c_str(), (unsigned long long)seed, size, i);
      write_radiograph_image(dir / buf, im.pixels, PixelDepth::u16);
    }
    return 0;
  }
  if (mode == "show" && argc > 3) {
    std::vector<cv::Mat> tiles;
    for (int a = 3; a < argc; ++a) {
      const cv::Mat px = read_radiograph(argv[a]).pixels;
      cv::Mat t = shrink_to(stretch(px, 8), 256), u, edge;
      cv::Mat n = shrink_to(px, 256);
      const IntensityRange r = percentile_range(n, 0.1, 99.9, {}, 1 << 17);
      n = cv::min(cv::max((n - r.low) / std::max(r.span(), 1e-9), 0.0), 1.0);
      const cv::Mat field = detail::exposed_field(n.size(), detail::find_blade_edges(n), 4.0f);
      cv::morphologyEx(field, edge, cv::MORPH_GRADIENT, cv::Mat());
      t.setTo(128, edge);
      cv::copyMakeBorder(t, u, 2, 258 - t.rows, 2, 258 - t.cols, cv::BORDER_CONSTANT, 128);
      tiles.push_back(u);
    }
    while (tiles.size() % 4) tiles.push_back(cv::Mat(260, 260, CV_32F, cv::Scalar(128)));
    std::vector<cv::Mat> rows;
    for (std::size_t i = 0; i < tiles.size(); i += 4) {
      cv::Mat row;
      cv::hconcat(std::vector<cv::Mat>(tiles.begin() + i, tiles.begin() + i + 4), row);
      rows.push_back(row);
    }
    cv::Mat all;
    cv::vconcat(rows, all);
    write_radiograph_image(argv[2], all, PixelDepth::u8);
    return 0;
  }
  if (mode == "cues") {
    std::cout << "file,truth,variant";
    for (const char* name : detail::PolarityCues::feature_names) std::cout << "," << name;
    std::cout << "\n";
    for (int a = 2; a < argc; ++a) {
      const fs::path file = argv[a];
      bool raw = false;
      const auto variants = variants_of(file, raw);
      for (const auto& [vname, px] : variants) {
        const detail::PolarityCues c = detail::polarity_cues(px);
        std::cout << file.string() << "," << (raw ? "raw" : "display") << "," << vname;
        for (double v : c.features()) std::cout << "," << v;
        std::cout << "\n";
      }
    }
    return 0;
  }
  if (mode == "eval") {
    std::cout << "file,truth,variant,verdict,ms\n";
    for (int a = 2; a < argc; ++a) {
      const fs::path file = argv[a];
      bool raw = false;
      const auto variants = variants_of(file, raw);
      for (const auto& [vname, px] : variants) {
        const auto t0 = std::chrono::steady_clock::now();
        const Polarity p = detect_polarity_of_pixels(px);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        std::cout << file.string() << "," << (raw ? "raw" : "display") << "," << vname << ","
                  << to_string(p) << "," << ms << "\n";
      }
    }
    return 0;
  }
  std::cerr << "usage: polarity_lab gen DIR SEED COUNT SIZE | eval FILE... | show OUT FILE...\n";
  return 2;
}
