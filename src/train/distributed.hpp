#pragma once
// Data-parallel training on LibTorch's own c10d (issue 18): a TCPStore for the rendezvous and
// ProcessGroupGloo for the collectives, set up from the launcher's environment as torchrun
// sets it (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT) or Slurm's srun
// (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID; MASTER_ADDR and MASTER_PORT exported by the
// batch script). Every collective waits at most the timeout and then throws xnet::Error, so a
// process whose partner died exits with an error instead of hanging.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace xnet {

struct DistributedEnvironment {
  int rank = 0, world_size = 1, local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  std::string launcher;  // "torchrun" or "slurm"
  // torchrun's agent already serves the store on MASTER_PORT (TORCHELASTIC_USE_AGENT_STORE):
  // every rank joins it as a client, under the prefix of the agent's restart attempt, as
  // PyTorch's own env:// initialisation does (torch/distributed/rendezvous.py).
  bool agent_store = false;
  int restart_count = 0;
};

// None when the environment names no world of 2 or more processes. Throws UsageError for values
// that are not numbers, a rank outside the world, or a world without MASTER_PORT.
std::optional<DistributedEnvironment> distributed_environment(const std::function<const char*(const char*)>& getenv);

class ProcessGroup {
 public:
  ProcessGroup(const DistributedEnvironment& environment, std::chrono::seconds timeout);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Rank 0's values into every rank's tensors, in place (parameters and buffers at the start).
  void broadcast(const std::vector<torch::Tensor>& tensors);
  // Every parameter's gradient replaced by the mean over ranks, in buckets of ~25 MB (PyTorch
  // DDP's default bucket size): one flat all-reduce per bucket. Parameters without a gradient
  // take part with zeros, so every rank sends the same layout.
  void average_gradients(const std::vector<torch::Tensor>& parameters);
  // Element-wise sums over ranks, in place.
  void sum(std::vector<double>& values);
  // True when any rank passes true: a decision every rank must take together (stop now).
  bool any(bool flag);
  void barrier();

 private:
  void all_reduce(torch::Tensor& t, const char* what);
  struct State;
  std::unique_ptr<State> state_;
  int rank_, size_;
  std::chrono::seconds timeout_;
};

}  // namespace xnet
