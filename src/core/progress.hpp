#pragma once
// A progress line with rate and ETA on stderr, for long work (synthesis, training, batches).
// Redraws in place on a terminal; on a pipe or log prints a line every few seconds.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace xnet {

class Progress {
 public:
  Progress(std::string label, std::size_t total);
  ~Progress();
  // Thread-safe: adds n finished items, with an optional note (e.g. "loss 0.31").
  void advance(std::size_t n = 1, const std::string& note = "");
  void finish();

 private:
  void draw(bool final);
  std::string label_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::string note_;
  bool tty_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex mutex_;
};

// "1h02m", "3m05s", "12s".
std::string format_duration(double seconds);

}  // namespace xnet
