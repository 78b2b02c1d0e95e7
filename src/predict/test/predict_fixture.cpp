#include "predict_fixture.hpp"

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/labels.hpp"
#include "model/model_file.hpp"
#include "model/network.hpp"
#include "model/torch_engine.hpp"
#include "preprocess/preprocessing.hpp"

namespace fs = std::filesystem;

namespace xnet::test {

// The Segmenters of these tests run on LibTorch unless a test names another engine.
const bool torch_engine_set = (model::provide_torch_engine(), true);

fs::path fresh_folder(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("xnet_predict_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path write_tiny_model(const fs::path& dir, int classes, int base_filters, int input_size) {
  engine::NetworkSpec spec;
  spec.base_filters = base_filters;
  spec.classes = classes;
  torch::manual_seed(7);
  auto net = model::make_network(spec);
  engine::ModelFile meta;
  meta.network = spec;
  meta.input_size = input_size;
  meta.classes.assign(label::names.begin(), label::names.begin() + classes);
  Preprocessing preprocessing;
  preprocessing.input_size = input_size;
  meta.preprocessing = preprocessing;
  const fs::path file = dir / "model.pt";
  model::save_model(file, meta, *net);
  return file;
}

namespace {
void draw_anatomy(cv::Mat& image, double open_beam, double soft, double bone) {
  image.setTo(open_beam);
  const cv::Point centre(image.cols / 2, image.rows / 2);
  cv::ellipse(image, centre, cv::Size(image.cols / 3, image.rows / 3), 0, 0, 360, soft, cv::FILLED);
  cv::rectangle(image, cv::Rect(image.cols / 2 - image.cols / 12, image.rows / 4, image.cols / 6, image.rows / 2),
                bone, cv::FILLED);
}

cv::Mat outside_field(cv::Size size, int inset) {
  cv::Mat outside(size, CV_8U, cv::Scalar(255));
  if (inset > 0)
    outside(cv::Rect(inset, inset, size.width - 2 * inset, size.height - 2 * inset)).setTo(0);
  else
    outside.setTo(0);
  return outside;
}
}  // namespace

cv::Mat raw_phantom(cv::Size size, int field_inset) {
  cv::Mat image(size, CV_32F);
  draw_anatomy(image, 60000, 30000, 12000);
  image.setTo(3000, outside_field(size, field_inset));
  cv::Mat noise(size, CV_32F);
  cv::randn(noise, 0, 300);
  image += noise;
  cv::Mat out;
  image.convertTo(out, CV_16U);
  return out;
}

cv::Mat phantom_labels(cv::Size size, int field_inset) {
  cv::Mat labels(size, CV_8U);
  draw_anatomy(labels, 0, 1, 2);
  labels.setTo(3, outside_field(size, field_inset));
  return labels;
}

fs::path write_phantom_dataset(const fs::path& root, const std::vector<cv::Size>& sizes) {
  fs::create_directories(root / "images");
  fs::create_directories(root / "masks");
  std::ofstream manifest(root / "manifest.csv");
  manifest << "image,mask,category\n";
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "hand_%03zu", i);
    cv::imwrite((root / "images" / (std::string(name) + ".png")).string(), raw_phantom(sizes[i]));
    cv::imwrite((root / "masks" / (std::string(name) + ".png")).string(), phantom_labels(sizes[i]));
    manifest << "images/" << name << ".png,masks/" << name << ".png,hand\n";
  }
  return root;
}

}  // namespace xnet::test
