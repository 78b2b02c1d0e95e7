#include "train/interruption.hpp"

#include <atomic>
#include <csignal>

namespace xnet {

namespace {

std::atomic<int> received{0};
struct sigaction previous_int, previous_term;

extern "C" void on_signal(int sig) { received.store(sig); }

}  // namespace

InterruptionWatch::InterruptionWatch() {
  received.store(0);
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous_int);
  sigaction(SIGTERM, &action, &previous_term);
}

InterruptionWatch::~InterruptionWatch() {
  sigaction(SIGINT, &previous_int, nullptr);
  sigaction(SIGTERM, &previous_term, nullptr);
}

bool InterruptionWatch::requested() const { return received.load() != 0; }
int InterruptionWatch::signal() const { return received.load(); }

}  // namespace xnet
