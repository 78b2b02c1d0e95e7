#include "train/sample_cache.hpp"

#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "core/labels.hpp"
#include "core/progress.hpp"
#include "data/parallel_for.hpp"
#include "preprocess/polarity.hpp"

namespace xnet {

std::string sample_key(const Dataset& dataset, const Sample& sample) {
  return sample.image.lexically_relative(dataset.root).generic_string();
}

std::vector<CachedSample> cache_samples(const Dataset& dataset, const std::vector<int>& indices,
                                        const Preprocessing& preprocessing, int threads,
                                        int detail_scale) {
  Preprocessing detail = preprocessing;
  detail.input_size = preprocessing.input_size * detail_scale;
  std::vector<CachedSample> cache(indices.size());
  Progress progress("reading", indices.size());
  parallel_for(indices.size(), threads, [&](std::size_t i) {
    const Sample& sample = dataset.samples.at(indices[i]);
    const LabelledRadiograph pair = read_labelled(sample);
    // Training takes the polarity the dataset states (synthetic data knows it): a detection
    // error would teach the network a wrong input; prediction decides as predict does.
    const Polarity polarity = decide_polarity(parse_polarity(sample.polarity.empty() ? "auto" : sample.polarity),
                                              pair.image).polarity;
    CachedSample& c = cache[i];
    const cv::Mat field = normalisation_field(pair.image, polarity, preprocessing);
    c.image = network_input(pair.image, polarity, preprocessing, field);
    c.labels = resize_labels(pair.labels, c.image.size());
    if (detail_scale > 1) {
      c.detail_image = network_input(pair.image, polarity, detail, field);
      c.detail_labels = resize_labels(pair.labels, c.detail_image.size());
    }
    c.category = sample.category;
    c.key = sample_key(dataset, sample);
    progress.advance();
  });
  progress.finish();
  return cache;
}

std::pair<cv::Mat, cv::Mat> shrink_pair(const cv::Mat& image, const cv::Mat& labels, int size) {
  cv::Mat small;
  cv::resize(image, small, cv::Size(size, size), 0, 0, cv::INTER_AREA);
  return {small, resize_labels(labels, size)};
}

int highest_label(const std::vector<CachedSample>& samples) {
  int highest = 0;
  for (const auto& s : samples) {
    cv::Mat valid = s.labels != label::ignore;
    double lo = 0, hi = 0;
    cv::minMaxLoc(s.labels, &lo, &hi, nullptr, nullptr, valid);
    if (cv::countNonZero(valid) > 0) highest = std::max(highest, static_cast<int>(hi));
  }
  return highest;
}

}  // namespace xnet
