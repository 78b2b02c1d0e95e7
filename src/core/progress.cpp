#include "core/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace xnet {

std::string format_duration(double seconds) {
  if (seconds < 0) seconds = 0;
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

Progress::Progress(std::string label, std::size_t total)
    : label_(std::move(label)),
      total_(total),
      tty_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::advance(std::size_t n, const std::string& note) {
  std::lock_guard<std::mutex> lock(mutex_);
  done_ += n;
  if (!note.empty()) note_ = note;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  // The last line is finish()'s, so it is not drawn twice on a pipe.
  if (since >= (tty_ ? 0.2 : 5.0) && done_ < total_) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void Progress::draw(bool final) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? done_ / elapsed : 0.0;
  const double eta = (rate > 0 && total_ > done_) ? (total_ - done_) / rate : 0.0;
  const int width = 24;
  const int filled = total_ ? static_cast<int>(width * std::min<double>(1.0, double(done_) / total_)) : 0;
  std::string bar(filled, '#');
  bar.append(width - filled, '.');
  std::fprintf(stderr, "%s%s [%s] %zu/%zu  %.2f/s  %s %s%s%s", tty_ ? "\r\033[K" : "",
               label_.c_str(), bar.c_str(), done_, total_, rate, final ? "took" : "ETA",
               format_duration(final ? elapsed : eta).c_str(), note_.empty() ? "" : "  ",
               note_.c_str());
  if (!tty_ || final) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace xnet
