#pragma once
// What `xnet serve` does for a request, apart from HTTP: a radiograph's file segmented by the
// one loaded model, exactly as `xnet predict` segments it (predict/segmenter.hpp), answered as
// predict's STEM.json plus the mask and overlay as base64 PNG; and the admission that keeps
// concurrent requests (and so memory) bounded.
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "io/radiograph.hpp"
#include "predict/segmenter.hpp"

namespace xnet::serve {

// At most `workers` requests segment at once and at most `waiting` more wait their turn;
// beyond that a request is refused at once (HTTP 503), before its body is read.
class Admission {
 public:
  Admission(int workers, int waiting);

  // A request admitted: it leaves (and frees its place) when the Ticket goes.
  class Ticket {
   public:
    explicit Ticket(Admission* admission) : admission_(admission) {}
    Ticket(Ticket&& other) noexcept : admission_(other.admission_), running_(other.running_) {
      other.admission_ = nullptr;
    }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket();
    // Blocks until one of the workers' places is free; the request holds it from then on.
    void wait_turn();

   private:
    Admission* admission_;
    bool running_ = false;
  };

  std::optional<Ticket> try_enter();  // nullopt: workers and waiting places all taken
  int admitted() const;
  bool full() const;

 private:
  const int workers_, capacity_;
  mutable std::mutex mutex_;
  std::condition_variable turn_;
  int admitted_ = 0, running_ = 0;
};

// One request's choices (its query parameters).
struct SegmentRequest {
  ImageOptions image;      // category, polarity, soft_tissue_threshold
  std::string name = "upload";  // what the answer's "image" field says (the client's file name)
  bool viewer = false;     // add what the browser viewer draws (see segment())
};

// Parses the query parameters soft_tissue_threshold (0-1), polarity (auto|raw|display),
// category, name and viewer (0|1); throws Error naming the parameter and what it accepts.
SegmentRequest parse_segment_request(const std::multimap<std::string, std::string>& parameters);

struct ServiceOptions {
  ReadLimits limits;  // predict's (--max-pixels)
  int threads = 0;    // compute threads in all (0 = every core), shared by the workers
  int workers = 1;
};

class SegmentService {
 public:
  SegmentService(const Segmenter& segmenter, ServiceOptions options);

  // The answer to POST /v1/segment for the uploaded file: predict's STEM.json fields,
  // "mask_png" (labels 0-3, 8-bit, full resolution) and "overlay_png" (base64 PNG); with
  // request.viewer also "viewer": the display image (8-bit), and at most 512 px a side the
  // soft-tissue probability (p x 255) and the labels the other classes decide, from which the
  // page redraws the soft-tissue threshold live. Throws BadUpload (upload.hpp) when the file
  // cannot be read as a radiograph.
  // Call it holding an admitted Ticket whose turn has come.
  nlohmann::json segment(const std::filesystem::path& file, const SegmentRequest& request) const;

  // GET /healthz's "model": what `xnet info` says of it, plus the engine that runs it.
  nlohmann::json model_info() const;

  const ServiceOptions& options() const { return options_; }

 private:
  const Segmenter& segmenter_;
  ServiceOptions options_;
  int threads_per_worker_;
};

// Standard base64 (RFC 4648) of the bytes, for images inside JSON.
std::string base64(const std::vector<unsigned char>& bytes);

}  // namespace xnet::serve
