#pragma once
// Ctrl-C / SIGTERM during training: the handler only raises a flag; the trainer finishes the
// current step, keeps the last checkpoint (a resumable state) and stops with a message.
namespace xnet {

class InterruptionWatch {
 public:
  InterruptionWatch();   // installs SIGINT and SIGTERM handlers
  ~InterruptionWatch();  // restores the previous ones
  InterruptionWatch(const InterruptionWatch&) = delete;
  InterruptionWatch& operator=(const InterruptionWatch&) = delete;
  bool requested() const;
  int signal() const;  // the signal received, 0 if none
};

}  // namespace xnet
