// How much of a labelled region `xnet predict` gives one class, over a folder of region masks:
//   xnet_region_share REGIONS PREDICTIONS [--class 0 [--class 3 ...]]
// REGIONS/NAME.png: 8-bit masks, non-zero inside the region (e.g. real-dev chest/body: lungs
// and heart); PREDICTIONS/NAME_mask.png: predict's labels for the image NAME. Prints one JSON
// object: images, region pixels, those predicted as any of the classes, and their share (issue
// 16: the share of lungs and heart called open beam).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <opencv2/imgcodecs.hpp>

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  CLI::App app{"Share of labelled regions that predict's masks give one class"};
  std::string regions, predictions;
  std::vector<int> classes{0};
  app.add_option("REGIONS", regions, "Folder of region masks NAME.png")->required()->check(CLI::ExistingDirectory);
  app.add_option("PREDICTIONS", predictions, "xnet predict --out folder (NAME_mask.png)")
      ->required()->check(CLI::ExistingDirectory);
  app.add_option("--class", classes, "Label values counted (repeatable)")->check(CLI::Range(0, 3));
  CLI11_PARSE(app, argc, argv);

  std::uint64_t inside = 0, as_class = 0;
  int images = 0;
  for (const auto& entry : fs::directory_iterator(regions)) {
    if (entry.path().extension() != ".png") continue;
    const fs::path predicted = fs::path(predictions) / (entry.path().stem().string() + "_mask.png");
    const cv::Mat region = cv::imread(entry.path().string(), cv::IMREAD_GRAYSCALE);
    const cv::Mat labels = cv::imread(predicted.string(), cv::IMREAD_UNCHANGED);
    if (region.empty() || labels.empty() || labels.type() != CV_8UC1 || labels.size() != region.size()) {
      std::fprintf(stderr, "xnet_region_share: %s: no 8-bit mask of the region's size at %s\n",
                   entry.path().c_str(), predicted.c_str());
      return 1;
    }
    const cv::Mat in = region != 0;
    inside += cv::countNonZero(in);
    cv::Mat any = cv::Mat::zeros(labels.size(), CV_8U);
    for (int c : classes) any |= labels == c;
    as_class += cv::countNonZero(in & any);
    ++images;
  }
  std::string listed;
  for (int c : classes) listed += (listed.empty() ? "" : ", ") + std::to_string(c);
  std::printf("{\"images\": %d, \"region_pixels\": %llu, \"classes\": [%s], \"class_pixels\": %llu, \"share\": %.6f}\n",
              images, static_cast<unsigned long long>(inside), listed.c_str(), static_cast<unsigned long long>(as_class),
              inside ? double(as_class) / double(inside) : 0.0);
  return images ? 0 : 1;
}
