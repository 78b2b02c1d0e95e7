// How alike two runs of `xnet predict` are, mask by mask (issue 20: bf16 against fp32):
//   xnet_mask_agreement PREDICTIONS_A PREDICTIONS_B
// Every NAME_mask.png of A is compared with B's; prints one JSON object: images, pixels, the
// share of pixels with the same label over all images, and the lowest share of one image.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  CLI::App app{"Share of pixels two folders of predict's masks label alike"};
  std::string first, second;
  app.add_option("PREDICTIONS_A", first, "xnet predict --out folder")->required()->check(CLI::ExistingDirectory);
  app.add_option("PREDICTIONS_B", second, "another, of the same images")->required()->check(CLI::ExistingDirectory);
  CLI11_PARSE(app, argc, argv);

  const std::string suffix = "_mask.png";
  std::uint64_t pixels = 0, same = 0;
  double lowest = 1;
  std::string lowest_name;
  int images = 0;
  for (const auto& entry : fs::directory_iterator(first)) {
    const auto name = entry.path().filename().string();
    if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const cv::Mat a = cv::imread(entry.path().string(), cv::IMREAD_UNCHANGED);
    const cv::Mat b = cv::imread((fs::path(second) / name).string(), cv::IMREAD_UNCHANGED);
    if (a.empty() || b.empty() || a.size() != b.size() || a.type() != b.type()) {
      std::fprintf(stderr, "xnet_mask_agreement: %s: no mask of the same size and type in %s\n", entry.path().c_str(),
                   second.c_str());
      return 1;
    }
    const auto alike = static_cast<std::uint64_t>(cv::countNonZero(a == b));
    pixels += a.total();
    same += alike;
    const double share = static_cast<double>(alike) / static_cast<double>(a.total());
    if (share < lowest) lowest = share, lowest_name = name;
    ++images;
  }
  if (images == 0) {
    std::fprintf(stderr, "xnet_mask_agreement: no *_mask.png in %s\n", first.c_str());
    return 1;
  }
  std::printf("{\"images\": %d, \"pixels\": %llu, \"agreement\": %.6f, \"lowest\": %.6f, \"lowest_mask\": \"%s\"}\n",
              images, static_cast<unsigned long long>(pixels), static_cast<double>(same) / static_cast<double>(pixels),
              lowest, lowest_name.c_str());
}
