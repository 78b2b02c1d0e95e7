// Writes what the predict timings of issue 7 need, so anyone can rerun them:
//   xnet_untrained_model OUT [--base-filters 64] [--input-size 200] [--images N] [--size 1500]
// OUT/model.pt: an untrained XNet (the full-width reference network by default: a network's
// cost does not depend on its weights); OUT/images/img_NNN.tif: 16-bit phantoms of size^2.
#include <cstdio>
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/atomic_file.hpp"
#include "core/labels.hpp"
#include "model/model_file.hpp"
#include "model/network.hpp"
#include "preprocess/preprocessing.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  CLI::App app{"Untrained model file and 16-bit phantoms for timing xnet predict"};
  std::string out;
  int base_filters = 64, input_size = 200, images = 5, size = 1500;
  app.add_option("OUT", out)->required();
  app.add_option("--base-filters", base_filters);
  app.add_option("--input-size", input_size);
  app.add_option("--images", images);
  app.add_option("--size", size);
  CLI11_PARSE(app, argc, argv);

  xnet::ensure_directory(fs::path(out) / "images");
  xnet::engine::NetworkSpec spec;
  spec.base_filters = base_filters;
  xnet::engine::ModelFile meta;
  meta.network = spec;
  meta.input_size = input_size;
  meta.classes.assign(xnet::label::names.begin(), xnet::label::names.begin() + spec.classes);
  xnet::Preprocessing preprocessing;
  preprocessing.input_size = input_size;
  meta.preprocessing = preprocessing;
  xnet::model::save_model(fs::path(out) / "model.pt", meta, *xnet::model::make_network(spec));

  cv::RNG rng(1);
  for (int i = 0; i < images; ++i) {
    // Raw polarity: bright open beam, a soft-tissue ellipse, a bone bar, noise.
    cv::Mat image(size, size, CV_32F, cv::Scalar(60000));
    cv::ellipse(image, {size / 2, size / 2}, {size / 3, size / 4 + 10 * i}, 20.0 * i, 0, 360, 30000, cv::FILLED);
    cv::rectangle(image, cv::Rect(size / 2 - size / 16, size / 4, size / 8, size / 2), 12000, cv::FILLED);
    cv::Mat noise(image.size(), CV_32F);
    rng.fill(noise, cv::RNG::NORMAL, 0, 400);
    image += noise;
    cv::Mat u16;
    image.convertTo(u16, CV_16U);
    char name[32];
    std::snprintf(name, sizeof name, "img_%03d.tif", i);
    cv::imwrite((fs::path(out) / "images" / name).string(), u16);
  }
  std::printf("%s/model.pt and %d images of %dx%d\n", out.c_str(), images, size, size);
}
