#include "train/evaluation.hpp"

#include "core/error.hpp"
#include "core/labels.hpp"
#include "metrics/confusion.hpp"
#include "metrics/measurement.hpp"

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

void add_to_confusion(metrics::ConfusionMatrix& confusion, const torch::Tensor& labels,
                      const torch::Tensor& predicted) {
  const auto valid = labels.ne(label::ignore);
  const auto truth = labels.masked_select(valid).cpu();
  const auto pred = predicted.masked_select(valid).cpu();
  const int k = confusion.classes();
  const auto counts = torch::bincount(truth * k + pred, {}, k * k);
  const auto* c = counts.data_ptr<int64_t>();
  for (int i = 0; i < k * k; ++i) confusion.at(i / k, i % k) += c[i];
}

}  // namespace

ValidationScores validate(torch::nn::Module& net, const Forward& forward,
                          const std::vector<CachedSample>& cache, const std::vector<int>& indices,
                          const LossOptions& loss, int classes, int batch_size,
                          const torch::Device& device, const std::function<void(std::vector<double>&)>& reduce) {
  ValidationScores scores;
  metrics::ConfusionMatrix confusion(classes);
  double loss_sum = 0;
  if (!indices.empty())
    for_each_batch(net, forward, cache, indices, batch_size, device,
                   [&](std::size_t, BatchTensors& t, const torch::Tensor& logits) {
                     loss_sum += segmentation_loss(logits, t.labels, loss, t.weights).item<double>() *
                                 t.images.size(0);
                     add_to_confusion(confusion, t.labels, logits.argmax(1));
                   });
  double images = static_cast<double>(indices.size());
  if (reduce) {
    std::vector<double> counts{loss_sum, images};
    for (int t = 0; t < classes; ++t)
      for (int p = 0; p < classes; ++p) counts.push_back(static_cast<double>(confusion.at(t, p)));
    reduce(counts);
    loss_sum = counts[0];
    images = counts[1];
    for (int t = 0; t < classes; ++t)
      for (int p = 0; p < classes; ++p) confusion.at(t, p) = static_cast<std::uint64_t>(counts[2 + t * classes + p]);
  }
  if (images == 0) return scores;
  const auto summary = metrics::summarize(confusion, {});
  scores.loss = loss_sum / images;
  scores.accuracy = summary.accuracy.value_or(0.0);
  scores.weighted_f1 = summary.weighted.f1.value_or(0.0);
  return scores;
}

nlohmann::json test_metrics(torch::nn::Module& net, const Forward& forward,
                            const std::vector<CachedSample>& cache, const std::vector<int>& indices,
                            int classes, int batch_size, const torch::Device& device,
                            const std::filesystem::path& out, int examples) {
  metrics::Measurement measurement(classes, examples);
  for_each_batch(net, forward, cache, indices, batch_size, device,
                 [&](std::size_t first, BatchTensors&, const torch::Tensor& logits) {
                   const auto p = torch::softmax(logits, 1).to(torch::kCPU).contiguous();
                   const auto predicted = p.argmax(1).to(torch::kUInt8).contiguous();
                   const int s = static_cast<int>(p.size(2));
                   for (int64_t i = 0; i < p.size(0); ++i) {
                     const CachedSample& c = cache[indices[first + i]];
                     std::vector<cv::Mat> maps;
                     for (int k = 0; k < classes; ++k)
                       maps.push_back(cv::Mat(s, s, CV_32F, p[i][k].data_ptr<float>()).clone());
                     cv::Mat gray8;  // the canonical image as the network saw it
                     c.image.convertTo(gray8, CV_8U, 255.0);
                     measurement.add({c.key, c.category, gray8, c.labels,
                                      cv::Mat(s, s, CV_8U, predicted[i].data_ptr<std::uint8_t>()).clone()},
                                     maps);
                   }
                 });
  return measurement.write(out);
}

}  // namespace xnet
