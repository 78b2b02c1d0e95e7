#include "train/evaluation.hpp"

#include <algorithm>
#include <numeric>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "augment/preview.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/labels.hpp"
#include "eval/confusion.hpp"
#include "eval/metrics.hpp"
#include "io/png_file.hpp"

namespace xnet {

BatchTensors to_tensors(Batch& batch, const torch::Device& device) {
  const int64_t n = batch.count, s = batch.size;
  BatchTensors t;
  t.images = torch::from_blob(batch.images.data(), {n, 1, s, s}, torch::kFloat).to(device).clone();
  t.labels = torch::from_blob(batch.labels.data(), {n, s, s}, torch::kUInt8).to(device, torch::kLong);
  if (!batch.weights.empty())
    t.weights = torch::from_blob(batch.weights.data(), {n, s, s}, torch::kFloat).to(device).clone();
  return t;
}

namespace {

using Forward = std::function<torch::Tensor(const torch::Tensor&)>;

// Runs the network over cache[indices] in batches without gradients and hands each batch's
// logits (on the CPU) with its first position in `indices` to `visit`.
void for_each_batch(torch::nn::Module& net, const Forward& forward,
                    const std::vector<CachedSample>& cache, const std::vector<int>& indices,
                    int batch_size, const torch::Device& device,
                    const std::function<void(std::size_t, BatchTensors&, const torch::Tensor&)>& visit) {
  torch::NoGradGuard no_grad;
  const bool was_training = net.is_training();
  net.eval();
  for (std::size_t first = 0; first < indices.size(); first += batch_size) {
    const std::size_t last = std::min(indices.size(), first + batch_size);
    Batch b = pack_batch(cache, indices, first, last);
    BatchTensors t = to_tensors(b, device);
    visit(first, t, forward(t.images));
  }
  net.train(was_training);
}

void add_to_confusion(eval::ConfusionMatrix& confusion, const torch::Tensor& labels,
                      const torch::Tensor& predicted) {
  const auto valid = labels.ne(label::ignore);
  const auto truth = labels.masked_select(valid).cpu();
  const auto pred = predicted.masked_select(valid).cpu();
  const int k = confusion.classes();
  const auto counts = torch::bincount(truth * k + pred, {}, k * k);
  const auto* c = counts.data_ptr<int64_t>();
  for (int i = 0; i < k * k; ++i) confusion.at(i / k, i % k) += c[i];
}

cv::Mat gray8(const cv::Mat& canonical) {
  cv::Mat g;
  canonical.convertTo(g, CV_8U, 255.0);
  return g;
}

cv::Mat overlay(const cv::Mat& gray, const cv::Mat& labels) {
  cv::Mat bgr, out;
  cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
  cv::addWeighted(bgr, 0.55, colour_labels(labels), 0.45, 0.0, out);
  return out;
}

cv::Mat error_map(const cv::Mat& gray, const cv::Mat& truth, const cv::Mat& predicted) {
  cv::Mat bgr;
  cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
  const cv::Mat wrong = (truth != predicted) & (truth != label::ignore);
  bgr.setTo(cv::Scalar(0, 0, 255), wrong);
  return bgr;
}

struct ScoredImage {
  int index;  // into indices
  double weighted_f1, accuracy;
  cv::Mat predicted;
};

void write_examples(const std::filesystem::path& dir, const std::vector<CachedSample>& cache,
                    const std::vector<int>& indices, std::vector<ScoredImage> scored, int count) {
  ensure_directory(dir);
  std::sort(scored.begin(), scored.end(),
            [](const ScoredImage& a, const ScoredImage& b) { return a.weighted_f1 > b.weighted_f1; });
  const int n = std::min<int>(count, static_cast<int>(scored.size()) / 2 + scored.size() % 2);
  for (int rank = 1; rank <= n; ++rank) {
    for (const bool best : {true, false}) {
      const ScoredImage& s = best ? scored[rank - 1] : scored[scored.size() - rank];
      const CachedSample& c = cache[indices[s.index]];
      const std::string stem = std::string(best ? "best_" : "worst_") + std::to_string(rank);
      const cv::Mat g = gray8(c.image);
      write_png(dir / (stem + "_image.png"), g);
      write_png(dir / (stem + "_truth.png"), overlay(g, c.labels));
      write_png(dir / (stem + "_prediction.png"), overlay(g, s.predicted));
      write_png(dir / (stem + "_errors.png"), error_map(g, c.labels, s.predicted));
      write_text_atomically(dir / (stem + ".json"),
                            nlohmann::json{{"image", c.key}, {"category", c.category},
                                           {"accuracy", s.accuracy},
                                           {"weighted_f1", s.weighted_f1}}
                                .dump(2));
    }
  }
}

}  // namespace

ValidationScores validate(torch::nn::Module& net, const Forward& forward,
                          const std::vector<CachedSample>& cache, const std::vector<int>& indices,
                          const LossOptions& loss, int classes, int batch_size,
                          const torch::Device& device) {
  ValidationScores scores;
  if (indices.empty()) return scores;
  eval::ConfusionMatrix confusion(classes);
  double loss_sum = 0;
  for_each_batch(net, forward, cache, indices, batch_size, device,
                 [&](std::size_t, BatchTensors& t, const torch::Tensor& logits) {
                   loss_sum += segmentation_loss(logits, t.labels, loss, t.weights).item<double>() *
                               t.images.size(0);
                   add_to_confusion(confusion, t.labels, logits.argmax(1));
                 });
  const auto summary = eval::summarize(confusion, {});
  scores.loss = loss_sum / indices.size();
  scores.accuracy = summary.accuracy.value_or(0.0);
  scores.weighted_f1 = summary.weighted.f1.value_or(0.0);
  return scores;
}

nlohmann::json test_metrics(torch::nn::Module& net, const Forward& forward,
                            const std::vector<CachedSample>& cache, const std::vector<int>& indices,
                            int classes, int batch_size, const torch::Device& device,
                            const std::filesystem::path& examples_dir, int examples) {
  eval::MetricsAccumulator metrics(classes);
  std::vector<ScoredImage> scored;
  for_each_batch(net, forward, cache, indices, batch_size, device,
                 [&](std::size_t first, BatchTensors& t, const torch::Tensor& logits) {
                   const auto p = torch::softmax(logits, 1).to(torch::kCPU).contiguous();
                   const auto predicted = p.argmax(1).to(torch::kUInt8).contiguous();
                   const int s = static_cast<int>(p.size(2));
                   for (int64_t i = 0; i < p.size(0); ++i) {
                     const CachedSample& c = cache[indices[first + i]];
                     std::vector<cv::Mat> maps;
                     for (int k = 0; k < classes; ++k)
                       maps.push_back(cv::Mat(s, s, CV_32F, p[i][k].data_ptr<float>()).clone());
                     cv::Mat pred = cv::Mat(s, s, CV_8U, predicted[i].data_ptr<std::uint8_t>()).clone();
                     metrics.add(c.labels, pred, maps, c.category);
                     eval::ConfusionMatrix one(classes);
                     add_to_confusion(one, t.labels[i].cpu(), predicted[i].to(torch::kLong));
                     const auto summary = eval::summarize(one, {});
                     scored.push_back({static_cast<int>(first + i), summary.weighted.f1.value_or(0.0),
                                       summary.accuracy.value_or(0.0), pred});
                   }
                 });
  if (!examples_dir.empty() && examples > 0 && !scored.empty())
    write_examples(examples_dir, cache, indices, std::move(scored), examples);
  return eval::to_json(metrics.result());
}

}  // namespace xnet
