#include "train/distributed.hpp"

// c10d's Gloo header declares its process group only under this macro (LibTorch's own build
// sets it; Debian's libtorch is built with Gloo, libgloo-dev gives its headers).
#define USE_C10D_GLOO 1

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "core/error.hpp"
#include "core/launcher.hpp"

namespace xnet {

std::optional<DistributedEnvironment> distributed_environment(const std::function<const char*(const char*)>& getenv) {
  const auto launched = launched_rank(getenv);
  if (!launched || launched->world_size < 2) return std::nullopt;
  DistributedEnvironment e;
  e.rank = launched->rank;
  e.world_size = launched->world_size;
  e.local_rank = launched->local_rank;
  e.launcher = launched->launcher;
  if (const char* addr = getenv("MASTER_ADDR"); addr && *addr) e.master_addr = addr;
  const char* port_text = getenv("MASTER_PORT");
  const auto port = whole_number(port_text ? port_text : "");
  if (!port || *port < 1 || *port > 65535)
    throw UsageError("distributed training: MASTER_PORT must name the rendezvous port (torchrun sets it)");
  e.master_port = *port;
  if (const char* agent = getenv("TORCHELASTIC_USE_AGENT_STORE"); agent && std::string(agent) == "True") {
    const char* restarts = getenv("TORCHELASTIC_RESTART_COUNT");
    e.agent_store = true;
    e.restart_count = whole_number(restarts ? restarts : "").value_or(0);
  }
  return e;
}

struct ProcessGroup::State {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

ProcessGroup::ProcessGroup(const DistributedEnvironment& e, std::chrono::seconds timeout)
    : state_(std::make_unique<State>()), rank_(e.rank), size_(e.world_size), timeout_(timeout) {
  try {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(e.master_port);
    options.isServer = e.rank == 0 && !e.agent_store;
    options.numWorkers = e.world_size;
    options.waitWorkers = !e.agent_store;
    options.timeout = timeout;
    auto tcp = c10::make_intrusive<c10d::TCPStore>(e.master_addr, options);
    if (e.agent_store)
      state_->store = c10::make_intrusive<c10d::PrefixStore>("/worker/attempt_" + std::to_string(e.restart_count), tcp);
    else
      state_->store = tcp;
    auto gloo = c10d::ProcessGroupGloo::Options::create(timeout);
    gloo->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    state_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(state_->store, e.rank, e.world_size, gloo);
  } catch (const std::exception& ex) {
    throw Error("distributed training, rank " + std::to_string(e.rank) + " of " + std::to_string(e.world_size) +
                ": cannot meet the other processes at " + e.master_addr + ":" + std::to_string(e.master_port) +
                " within " + std::to_string(timeout.count()) + " s: " + ex.what());
  }
}

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::all_reduce(torch::Tensor& t, const char* what) {
  std::vector<at::Tensor> tensors{t};
  try {
    state_->group->allreduce(tensors)->wait(timeout_);
  } catch (const std::exception& ex) {
    throw Error("distributed training, rank " + std::to_string(rank_) + ": " + what +
                " failed (another process stopped, or none answered within " + std::to_string(timeout_.count()) +
                " s): " + ex.what());
  }
}

void ProcessGroup::broadcast(const std::vector<torch::Tensor>& tensors) {
  torch::NoGradGuard no_grad;
  for (const auto& t : tensors) {
    std::vector<at::Tensor> one{t.detach()};
    try {
      state_->group->broadcast(one)->wait(timeout_);
    } catch (const std::exception& ex) {
      throw Error("distributed training, rank " + std::to_string(rank_) + ": broadcasting the parameters failed: " +
                  ex.what());
    }
  }
}

void ProcessGroup::average_gradients(const std::vector<torch::Tensor>& parameters) {
  torch::NoGradGuard no_grad;
  constexpr std::int64_t bucket_bytes = 25 << 20;
  std::vector<torch::Tensor> bucket;
  std::int64_t bytes = 0;
  const auto flush = [&] {
    if (bucket.empty()) return;
    std::vector<torch::Tensor> grads;
    for (auto& p : bucket) {
      if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
      grads.push_back(p.grad().reshape(-1));
    }
    auto flat = torch::cat(grads);
    all_reduce(flat, "averaging the gradients");
    flat.div_(size_);
    std::int64_t offset = 0;
    for (auto& p : bucket) {
      const auto n = p.numel();
      p.mutable_grad().copy_(flat.narrow(0, offset, n).view_as(p));
      offset += n;
    }
    bucket.clear();
    bytes = 0;
  };
  for (const auto& p : parameters) {
    if (!p.requires_grad()) continue;
    bucket.push_back(p);
    bytes += p.numel() * static_cast<std::int64_t>(p.element_size());
    if (bytes >= bucket_bytes) flush();
  }
  flush();
}

void ProcessGroup::sum(std::vector<double>& values) {
  if (values.empty()) return;
  auto t = torch::tensor(values, torch::kDouble);
  all_reduce(t, "summing the validation figures");
  const auto* v = t.data_ptr<double>();
  std::copy(v, v + values.size(), values.begin());
}

bool ProcessGroup::any(bool flag) {
  auto t = torch::tensor({flag ? 1.0f : 0.0f});
  all_reduce(t, "agreeing to stop");
  return t.item<float>() > 0;
}

void ProcessGroup::barrier() {
  auto t = torch::zeros({1});
  all_reduce(t, "waiting for the other processes");
}

}  // namespace xnet
