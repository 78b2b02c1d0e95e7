#include "tiny_dataset.hpp"

#include <fstream>
#include <random>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace xnet::test {

void write_tiny_dataset(const std::filesystem::path& dir, int count, int size, unsigned seed) {
  std::filesystem::create_directories(dir / "images");
  std::filesystem::create_directories(dir / "masks");
  std::ofstream manifest(dir / "manifest.csv");
  manifest << "image,mask,category\n";
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.3, 0.7);
  const char* categories[] = {"disc", "bar", "ring"};
  for (int i = 0; i < count; ++i) {
    const std::string category = categories[i % 3];
    cv::Mat labels(size, size, CV_8U, cv::Scalar(0));
    const cv::Point centre(static_cast<int>(u(rng) * size), static_cast<int>(u(rng) * size));
    cv::circle(labels, centre, size / 3, cv::Scalar(1), cv::FILLED);
    if (category == "disc") cv::circle(labels, centre, size / 8, cv::Scalar(2), cv::FILLED);
    if (category == "bar")
      cv::rectangle(labels, centre - cv::Point(size / 4, size / 16), centre + cv::Point(size / 4, size / 16),
                    cv::Scalar(2), cv::FILLED);
    if (category == "ring") cv::circle(labels, centre, size / 6, cv::Scalar(2), 2);
    // Transmitted intensity: open beam 50000, soft tissue 20000, bone 6000, plus noise.
    cv::Mat image(size, size, CV_32F);
    const float level[] = {50000.f, 20000.f, 6000.f};
    for (int y = 0; y < size; ++y)
      for (int x = 0; x < size; ++x) image.at<float>(y, x) = level[labels.at<std::uint8_t>(y, x)];
    cv::Mat noise(size, size, CV_32F);
    cv::randn(noise, 0.0, 800.0);
    image += noise;
    cv::Mat image16;
    image.convertTo(image16, CV_16U);
    const std::string stem = category + "_" + std::to_string(i);
    cv::imwrite((dir / "images" / (stem + ".png")).string(), image16);
    cv::imwrite((dir / "masks" / (stem + ".png")).string(), labels);
    manifest << "images/" << stem << ".png,masks/" << stem << ".png," << category << "\n";
  }
}

}  // namespace xnet::test
