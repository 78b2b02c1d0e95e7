#include "predict/batch_prediction.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/atomic_file.hpp"
#include "core/progress.hpp"
#include "core/threads.hpp"
#include "predict/bounded_queue.hpp"
#include "predict/prediction_outputs.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

// A summary as text; invalid UTF-8 replaced, since a failure's message may quote bytes of the
// hostile file itself (a chunk name of a corrupt PNG).
std::string json_text(const nlohmann::json& record) {
  return record.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One image on its way through the stages; radiograph is empty when reading failed.
struct Job {
  fs::path file;
  std::optional<Radiograph> radiograph;
  Segmentation segmentation;
  std::string error;
};

// What a DICOM Segmentation records as the algorithm's parameters: the model file and what
// it says about itself (Algorithm Parameters is an LT: at most 10240 characters).
std::string model_parameters(const fs::path& file, const engine::ModelFile& model) {
  nlohmann::json parameters = {{"model", file.filename().string()},
                               {"network", model.network},
                               {"input_size", model.input_size},
                               {"provenance", model.provenance}};
  if (parameters.dump().size() > 10240) parameters["provenance"] = model.provenance.value("created", "");
  return parameters.dump();
}

// "FILE: what" once, whether or not the error message already names the file.
std::string error_about(const fs::path& file, const std::string& what) {
  const std::string name = file.string();
  return what.compare(0, name.size(), name) == 0 ? what : name + ": " + what;
}

class BatchRun {
 public:
  BatchRun(const BatchOptions& options, std::size_t total, int workers)
      : options_(options), outputs_{options.save_probabilities, options.dicom_shutter, std::nullopt},
        decoded_(options.read_ahead + workers - 1), segmented_(1 + workers), segmenting_(workers), total_(total) {}

  // The model (from `file`) is ready: segmenting may start. Until then only reading goes on.
  void use(const Segmenter& segmenter, const fs::path& file) {
    segmenter_ = &segmenter;
    if (options_.dicom_segmentation)
      outputs_.dicom_segmentation =
          SegmentationAlgorithm{"xnet", options_.software_version, model_parameters(file, segmenter.model())};
    if (options_.show_progress) progress_.emplace("predict", total_);
  }

  // The model could not be loaded: the reader and the writer stop.
  void abandon() {
    decoded_.close();
    segmented_.close();
  }

  void read_all(const std::vector<fs::path>& files) {
    for (const auto& file : files) {
      Job job;
      job.file = file;
      const auto start = Clock::now();
      try {
        job.radiograph = read_radiograph(file, options_.limits);
        job.segmentation.timings.read = seconds_since(start);
      } catch (const std::exception& e) {
        job.error = error_about(file, e.what());
      }
      if (!decoded_.push(std::move(job))) return;
    }
    decoded_.close();
  }

  // One of `workers` segmenting side by side; the last one to finish closes the queue.
  void segment_all(int threads) {
    segmenter_->use_threads(threads);
    while (auto job = decoded_.pop()) {
      if (job->radiograph) {
        try {
          const double read = job->segmentation.timings.read;
          job->segmentation = segmenter_->segment(*job->radiograph, options_.category);
          job->segmentation.timings.read = read;
        } catch (const std::exception& e) {
          job->error = error_about(job->file, e.what());
          job->radiograph.reset();
        }
      }
      segmented_.push(std::move(*job));
    }
    if (--segmenting_ == 0) segmented_.close();
  }

  void write_all() {
    while (auto job = segmented_.pop()) {
      if (job->radiograph) {
        try {
          write_prediction(options_.out, *job->radiograph, job->segmentation, outputs_);
          std::lock_guard lock(mutex_);
          ++summary_.written;
          summary_.timings += job->segmentation.timings;
        } catch (const std::exception& e) {
          job->error = error_about(job->file, e.what());
        }
      }
      if (!job->error.empty()) report_failure(job->error);
      {
        std::lock_guard lock(mutex_);
        summary_.images.push_back({job->file, job->error});
      }
      if (progress_) progress_->advance(1, summary_.failed ? std::to_string(summary_.failed) + " failed" : "");
    }
  }

  BatchSummary summary() { if (progress_) progress_->finish(); return summary_; }

 private:
  void report_failure(const std::string& message) {
    std::lock_guard lock(mutex_);
    ++summary_.failed;
    std::fprintf(stderr, "%sxnet: error: %s\n", progress_ ? "\n" : "", message.c_str());
  }

  const Segmenter* segmenter_ = nullptr;
  const BatchOptions& options_;
  OptionalOutputs outputs_;
  BoundedQueue<Job> decoded_, segmented_;
  std::optional<Progress> progress_;
  std::mutex mutex_;
  BatchSummary summary_;
  std::atomic<int> segmenting_;
  std::size_t total_;
};

int batch_workers(const BatchOptions& options, int threads, std::size_t files) {
  if (options.workers > 0) return std::min(options.workers, threads);
  return files > 1 ? threads : 1;
}

}  // namespace

BatchSummary predict_files(const fs::path& model, const SegmenterOptions& segmenter_options,
                           const std::vector<fs::path>& files, const BatchOptions& options) {
  // The engine is chosen before any file is read: a run for LibTorch leaves the `xnet`
  // launcher here (launcher.cpp), and a request that cannot be met stops here.
  engine::plan_engine(model, engine_options(segmenter_options));
  // The model loads on its own thread while the reader decodes the first files: loading
  // XNet-64 takes ~0.2 s, reading a 1500^2 16-bit TIFF ~0.05 s.
  auto loading = std::async(std::launch::async, [&] { return std::make_unique<Segmenter>(model, segmenter_options); });
  // On 2 cores, two images each on one thread beat one image on two: a thread runs XNet-64
  // at ~1.6x the per-thread speed of two sharing one image (no synchronisation, GEMMs of
  // whole layers), and reading and writing fill the gaps of the other worker.
  const int threads = resolve_threads(segmenter_options.threads);
  const int workers = batch_workers(options, threads, files.size());
  BatchRun run(options, files.size(), workers);
  std::thread reader([&] { run.read_all(files); });
  std::thread writer([&] { run.write_all(); });
  std::unique_ptr<Segmenter> segmenter;
  try {
    segmenter = loading.get();
    ensure_directory(options.out);  // only once the model is known to load
    run.use(*segmenter, model);
  } catch (...) {
    run.abandon();
    reader.join();
    writer.join();
    throw;
  }
  const auto start = Clock::now();  // the batch's own time: without the model's load
  std::vector<std::thread> others;
  for (int w = 1; w < workers; ++w)
    others.emplace_back([&, w] { run.segment_all(threads / workers + (w < threads % workers)); });
  run.segment_all(threads / workers + (0 < threads % workers));
  for (auto& t : others) t.join();
  segmenter->use_threads(threads);  // the options' count again here: it ran as a worker
  reader.join();
  writer.join();
  auto summary = run.summary();
  summary.seconds = seconds_since(start);
  summary.model_load_seconds = segmenter->load_seconds();
  summary.engine = segmenter->engine().describe();
  return summary;
}

namespace {

// Names the whole input list, so that shards of another list never merge with these.
std::string list_fingerprint(std::vector<fs::path> inputs) {
  std::sort(inputs.begin(), inputs.end());
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a, 64 bits
  for (const auto& file : inputs)
    for (const unsigned char c : file.string() + '\n') h = (h ^ c) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

std::string shard_file_name(int index, int count) {
  return "summary-" + std::to_string(index) + "-of-" + std::to_string(count) + ".json";
}

nlohmann::json image_records(std::vector<ImageResult> images) {
  std::sort(images.begin(), images.end(), [](const ImageResult& a, const ImageResult& b) { return a.input < b.input; });
  nlohmann::json list = nlohmann::json::array();
  for (const auto& image : images) {
    nlohmann::json record = {{"input", image.input.string()}, {"written", image.error.empty()}};
    if (image.error.empty())
      record["mask"] = prediction_paths({}, image.input).mask.filename().string();
    else
      record["error"] = image.error;
    list.push_back(record);
  }
  return list;
}

}  // namespace

fs::path write_batch_summary(const fs::path& out, const Shard& shard, const std::vector<fs::path>& inputs,
                             const BatchSummary& summary) {
  const std::string fingerprint = list_fingerprint(inputs);
  nlohmann::json record = {{"inputs", inputs.size()},
                           {"input_list", fingerprint},
                           {"shard", {{"index", shard.index}, {"count", shard.count}, {"source", shard.source}}},
                           {"shard_inputs", summary.images.size()},
                           {"written", summary.written},
                           {"failed", summary.failed},
                           {"engine", summary.engine},
                           {"seconds", summary.seconds},
                           {"images", image_records(summary.images)}};
  const fs::path merged = out / "summary.json";
  if (shard.count == 1) {
    write_text_atomically(merged, json_text(record));
    return merged;
  }
  write_text_atomically(out / shard_file_name(shard.index, shard.count), json_text(record));
  // The last shard to finish merges (two finishing at once write the same file twice).
  std::vector<nlohmann::json> shards;
  for (int k = 0; k < shard.count; ++k) {
    std::ifstream in(out / shard_file_name(k, shard.count));
    if (!in) return {};
    nlohmann::json one = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (one.is_discarded() || one.value("input_list", "") != fingerprint) return {};  // another list's
    shards.push_back(std::move(one));
  }
  nlohmann::json all = {{"inputs", inputs.size()}, {"input_list", fingerprint}, {"shards", shard.count},
                        {"written", 0}, {"failed", 0}, {"images", nlohmann::json::array()}};
  std::vector<ImageResult> images;
  for (const auto& one : shards) {
    all["written"] = all["written"].get<std::size_t>() + one.value("written", std::size_t{0});
    all["failed"] = all["failed"].get<std::size_t>() + one.value("failed", std::size_t{0});
    for (const auto& image : one["images"]) all["images"].push_back(image);
  }
  std::sort(all["images"].begin(), all["images"].end(),
            [](const nlohmann::json& a, const nlohmann::json& b) { return a["input"] < b["input"]; });
  write_text_atomically(merged, json_text(all));
  return merged;
}

}  // namespace xnet
