#pragma once
// Background batch assembly for one epoch: worker threads take cached samples in the epoch's
// order, augment them, compute the loss weights and pack batches, a few batches ahead of the
// network step (a small bounded queue), so augmentation overlaps with training. Every batch's
// randomness comes from (seed, epoch, batch), so the batches are the same whatever the thread
// count or timing. Torch-free.
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "augment/augmenter.hpp"
#include "train/sample_cache.hpp"

namespace xnet {

struct Batch {
  int count = 0, size = 0;         // images, side in pixels
  std::vector<float> images;       // count x size x size, canonical intensities
  std::vector<std::uint8_t> labels;  // count x size x size
  std::vector<float> weights;      // count x size x size boundary weights, empty when off
};

struct BatchPlan {
  int batch_size = 8;
  std::uint64_t seed = 0;
  int epoch = 0;
  double boundary_weight = 0.0;  // U-Net w0; 0 = off
  double boundary_sigma = 3.0;   // pixels at the network input size
  int workers = 1;
  int queue_depth = 3;           // batches built ahead of the consumer
};

// Packs cache[order[i]] for i in [first, last) (no augmentation) into one batch; of an
// elongated sample, its centre window (training batches take a window at random).
Batch pack_batch(const std::vector<CachedSample>& cache, const std::vector<int>& order,
                 std::size_t first, std::size_t last, double boundary_weight = 0.0,
                 double boundary_sigma = 3.0);

class BatchLoader {
 public:
  // `cache` and `augmenter` must outlive the loader; augmenter null = no augmentation.
  BatchLoader(const std::vector<CachedSample>& cache, std::vector<int> order,
              const Augmenter* augmenter, BatchPlan plan);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  int batches() const { return batches_; }
  // The next batch in order, or nullopt after the last; rethrows a worker's exception.
  std::optional<Batch> next();

 private:
  void work();
  Batch build(int batch) const;

  const std::vector<CachedSample>& cache_;
  std::vector<int> order_;
  const Augmenter* augmenter_;
  BatchPlan plan_;
  int batches_;
  int next_to_build_ = 0, next_to_take_ = 0;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::map<int, Batch> ready_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::thread> workers_;
};

}  // namespace xnet
