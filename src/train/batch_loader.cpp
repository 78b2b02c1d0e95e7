#include "train/batch_loader.hpp"

#include <algorithm>
#include <cstring>
#include <random>

#include "preprocess/preprocessing.hpp"
#include "train/boundary_weights.hpp"

namespace xnet {

namespace {

void append_pair(Batch& batch, const cv::Mat& image, const cv::Mat& labels, double boundary_weight,
                 double boundary_sigma) {
  const std::size_t n = static_cast<std::size_t>(batch.size) * batch.size;
  const std::size_t at = static_cast<std::size_t>(batch.count) * n;
  const cv::Mat img = image.isContinuous() ? image : image.clone();
  const cv::Mat lab = labels.isContinuous() ? labels : labels.clone();
  std::memcpy(batch.images.data() + at, img.ptr<float>(), n * sizeof(float));
  std::memcpy(batch.labels.data() + at, lab.ptr<std::uint8_t>(), n);
  if (boundary_weight > 0) {
    const cv::Mat w = boundary_weights(lab, boundary_weight, boundary_sigma);
    std::memcpy(batch.weights.data() + at, w.ptr<float>(), n * sizeof(float));
  }
  ++batch.count;
}

// The square window of a cached pair a batch takes: all of a square pair; of an elongated one
// (preprocess/preprocessing.hpp: square_windows) the window at `where` (0 first .. 1 last)
// along its long side, as prediction covers it with such windows.
std::pair<cv::Mat, cv::Mat> window_of(const cv::Mat& image, const cv::Mat& labels, double where) {
  if (image.rows == image.cols) return {image, labels};
  const cv::Rect w = square_window(image.size(), where);
  return {image(w).clone(), labels(w).clone()};
}

int window_side(const CachedSample& s) { return std::min(s.image.rows, s.image.cols); }

Batch empty_batch(int count, int size, bool weights) {
  Batch b;
  b.size = size;
  const std::size_t n = static_cast<std::size_t>(count) * size * size;
  b.images.resize(n);
  b.labels.resize(n);
  if (weights) b.weights.resize(n);
  return b;
}

}  // namespace

Batch pack_batch(const std::vector<CachedSample>& cache, const std::vector<int>& order,
                 std::size_t first, std::size_t last, double boundary_weight,
                 double boundary_sigma) {
  Batch b = empty_batch(static_cast<int>(last - first), window_side(cache.at(order.at(first))),
                        boundary_weight > 0);
  for (std::size_t i = first; i < last; ++i) {
    const CachedSample& s = cache.at(order[i]);
    const auto [image, labels] = window_of(s.image, s.labels, 0.5);  // validation: the centre
    append_pair(b, image, labels, boundary_weight, boundary_sigma);
  }
  return b;
}

BatchLoader::BatchLoader(const std::vector<CachedSample>& cache, std::vector<int> order,
                         const Augmenter* augmenter, BatchPlan plan)
    : cache_(cache), order_(std::move(order)), augmenter_(augmenter), plan_(plan) {
  plan_.batch_size = std::max(1, plan_.batch_size);
  batches_ = static_cast<int>((order_.size() + plan_.batch_size - 1) / plan_.batch_size);
  const int workers = std::clamp(plan_.workers, 1, std::max(1, batches_));
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& t : workers_) t.join();
}

Batch BatchLoader::build(int batch) const {
  const std::size_t first = static_cast<std::size_t>(batch) * plan_.batch_size;
  const std::size_t last = std::min(order_.size(), first + plan_.batch_size);
  if (!augmenter_) return pack_batch(cache_, order_, first, last, plan_.boundary_weight, plan_.boundary_sigma);
  std::seed_seq seq{static_cast<std::uint32_t>(plan_.seed), static_cast<std::uint32_t>(plan_.seed >> 32),
                    static_cast<std::uint32_t>(plan_.epoch), static_cast<std::uint32_t>(batch)};
  std::mt19937 rng(seq);
  Batch b = empty_batch(static_cast<int>(last - first), window_side(cache_.at(order_.at(first))),
                        plan_.boundary_weight > 0);
  for (std::size_t i = first; i < last; ++i) {
    const CachedSample& s = cache_.at(order_[i]);
    const bool detail = !s.detail_image.empty();
    const double where = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    const auto [image, labels] = window_of(detail ? s.detail_image : s.image, detail ? s.detail_labels : s.labels, where);
    auto pair = augmenter_->apply(image, labels, rng);
    if (detail) pair = shrink_pair(pair.first, pair.second, window_side(s));
    append_pair(b, pair.first, pair.second, plan_.boundary_weight, plan_.boundary_sigma);
  }
  return b;
}

void BatchLoader::work() {
  for (;;) {
    int batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] {
        return stopping_ || next_to_build_ >= batches_ ||
               next_to_build_ < next_to_take_ + plan_.queue_depth;
      });
      if (stopping_ || next_to_build_ >= batches_) return;
      batch = next_to_build_++;
    }
    try {
      Batch b = build(batch);
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.emplace(batch, std::move(b));
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!failure_) failure_ = std::current_exception();
      stopping_ = true;
    }
    changed_.notify_all();
  }
}

std::optional<Batch> BatchLoader::next() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (next_to_take_ >= batches_) return std::nullopt;
  changed_.wait(lock, [&] { return failure_ || ready_.count(next_to_take_) > 0; });
  if (failure_) std::rethrow_exception(failure_);
  auto node = ready_.extract(next_to_take_++);
  lock.unlock();
  changed_.notify_all();
  return std::move(node.mapped());
}

}  // namespace xnet
