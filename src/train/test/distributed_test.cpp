// Data-parallel training on c10d (issue 18): two processes of one thread on the loopback.
// - the averaged gradients of a batch-norm-free net on 2 ranks equal one process's on the
//   union batch;
// - `xnet train` under RANK/WORLD_SIZE trains one model as good as a single process's;
// - a killed rank makes the other stop with an error within the timeout, never hang.
// The ranks are this test program itself, started again with XNET_DDP_WORKER set.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "cli/test/run_xnet.hpp"
#include "core/error.hpp"
#include "train/distributed.hpp"

namespace fs = std::filesystem;

namespace xnet {
namespace {

torch::nn::Sequential tiny_net() {
  torch::manual_seed(7);
  return torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 4, 3).padding(1)), torch::nn::ReLU(),
                               torch::nn::Conv2d(torch::nn::Conv2dOptions(4, 3, 1)));
}

// The union batch: 4 images of 8x8 with labels, the same in every process.
std::pair<torch::Tensor, torch::Tensor> union_batch() {
  torch::manual_seed(11);
  return {torch::rand({4, 1, 8, 8}), torch::randint(0, 3, {4, 8, 8}, torch::kLong)};
}

std::vector<torch::Tensor> gradients(torch::nn::Sequential& net, const torch::Tensor& x, const torch::Tensor& y) {
  net->zero_grad();
  torch::nn::functional::cross_entropy(net->forward(x), y).backward();
  std::vector<torch::Tensor> g;
  for (const auto& p : net->parameters()) g.push_back(p.grad().clone());
  return g;
}

// A rank: its half of the union batch, gradients averaged over the ranks, saved for the test.
int gradient_worker() {
  const auto world = distributed_environment(std::getenv);
  if (!world) return 3;
  ProcessGroup group(*world, std::chrono::seconds(30));
  auto net = tiny_net();
  const auto [x, y] = union_batch();
  const int half = 4 / group.size();
  net->zero_grad();
  torch::nn::functional::cross_entropy(net->forward(x.narrow(0, group.rank() * half, half)),
                                       y.narrow(0, group.rank() * half, half))
      .backward();
  group.average_gradients(net->parameters());
  std::vector<torch::Tensor> g;
  for (const auto& p : net->parameters()) g.push_back(p.grad().clone());
  torch::save(g, std::getenv("XNET_DDP_OUT") + std::string("/grads_") + std::to_string(group.rank()) + ".pt");
  return 0;
}

// Before main: a worker process does its rank's part and leaves.
const bool is_worker = [] {
  if (std::getenv("XNET_DDP_WORKER")) std::_Exit(gradient_worker());
  return false;
}();

// A port of its own for each test run (several suites may run at once).
int free_port(int salt) { return 20000 + (getpid() * 7 + salt) % 40000; }

fs::path fresh(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("xnet_distributed_" + name + "_" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string world(int rank, int size, int port) {
  return "MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) + " RANK=" + std::to_string(rank) +
         " WORLD_SIZE=" + std::to_string(size) + " LOCAL_RANK=" + std::to_string(rank);
}

int shell(const std::string& line) {
  const int status = std::system(("sh -c '" + line + "'").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(Distributed, GradientsOnTwoRanksEqualOneProcessOnTheUnionBatch) {
  const fs::path dir = fresh("gradients");
  const int port = free_port(1);
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  const std::string worker = "XNET_DDP_WORKER=1 XNET_DDP_OUT=" + dir.string() + " OMP_NUM_THREADS=1 ";
  ASSERT_EQ(shell(worker + world(1, 2, port) + " " + self + " > " + (dir / "r1.log").string() + " 2>&1 & " + worker +
                  world(0, 2, port) + " " + self + " > " + (dir / "r0.log").string() + " 2>&1; r0=$?; wait $!; " +
                  "test $r0 -eq 0 && test $? -eq 0"),
            0);
  auto net = tiny_net();
  const auto [x, y] = union_batch();
  const auto expected = gradients(net, x, y);
  for (int rank : {0, 1}) {
    std::vector<torch::Tensor> g;
    torch::load(g, (dir / ("grads_" + std::to_string(rank) + ".pt")).string());
    ASSERT_EQ(g.size(), expected.size());
    for (std::size_t i = 0; i < g.size(); ++i)
      EXPECT_LT((g[i] - expected[i]).abs().max().item<double>(), 1e-5) << "rank " << rank << " parameter " << i;
    // Not trivially equal: a single rank's own half differs from the union.
    auto half = tiny_net();
    const auto own = gradients(half, x.narrow(0, 2 * rank, 2), y.narrow(0, 2 * rank, 2));
    EXPECT_GT((own[0] - expected[0]).abs().max().item<double>(), 1e-4);
  }
  fs::remove_all(dir);
}

TEST(Distributed, EnvironmentOfTorchrunAndSlurm) {
  std::map<std::string, std::string> env;
  const auto lookup = [&](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  EXPECT_FALSE(distributed_environment(lookup));
  env = {{"RANK", "0"}, {"WORLD_SIZE", "1"}};
  EXPECT_FALSE(distributed_environment(lookup));  // one process: not distributed
  env = {{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "1"}, {"MASTER_ADDR", "node7"}, {"MASTER_PORT", "29501"}};
  const auto t = distributed_environment(lookup);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->rank, 1);
  EXPECT_EQ(t->master_addr, "node7");
  EXPECT_EQ(t->master_port, 29501);
  EXPECT_EQ(t->launcher, "torchrun");
  env = {{"SLURM_PROCID", "3"}, {"SLURM_NTASKS", "4"}, {"SLURM_LOCALID", "1"}, {"MASTER_PORT", "29501"}};
  EXPECT_EQ(distributed_environment(lookup)->launcher, "slurm");
  EXPECT_EQ(distributed_environment(lookup)->local_rank, 1);
  EXPECT_FALSE(distributed_environment(lookup)->agent_store);
  env = {{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "29501"}, {"TORCHELASTIC_USE_AGENT_STORE", "True"},
         {"TORCHELASTIC_RESTART_COUNT", "2"}};
  EXPECT_TRUE(distributed_environment(lookup)->agent_store);  // torchrun's agent serves the store
  EXPECT_EQ(distributed_environment(lookup)->restart_count, 2);
  env = {{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "29501"}};
  EXPECT_THROW(distributed_environment(lookup), UsageError);
  env = {{"RANK", "0"}, {"WORLD_SIZE", "2"}};
  EXPECT_THROW(distributed_environment(lookup), UsageError);  // no rendezvous port
}

class DistributedTraining : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh("train");
    ASSERT_EQ(test::run("synth " + (dir_ / "data").string() + " --count 24 --seed 5 --size 96 --threads 1").status, 0);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string train(const fs::path& out, const std::string& extra) const {
    return std::string(XNET_BINARY) + " train " + (dir_ / "data").string() + " --out " + out.string() +
           " --base-filters 4 --input-size 64 --patience 0 --threads 1 --seed 3 " + extra;
  }
  double weighted_f1(const fs::path& run) const {
    std::ifstream in(run / "metrics.json");
    return nlohmann::json::parse(in)["weighted"]["f1"].get<double>();
  }
  fs::path dir_;
};

TEST_F(DistributedTraining, TwoProcessesTrainOneModelAsGoodAsOne) {
  const int port = free_port(2);
  const fs::path one = dir_ / "one", two = dir_ / "two";
  ASSERT_EQ(shell(train(one, "--epochs 20") + " > " + (dir_ / "one.log").string() + " 2>&1"), 0);
  const std::string log = (dir_ / "two").string();
  ASSERT_EQ(shell(world(1, 2, port) + " " + train(two, "--epochs 20") + " > " + log + "1.log 2>&1 & " + world(0, 2, port) +
                  " " + train(two, "--epochs 20") + " > " + log + "0.log 2>&1; r0=$?; wait $!; test $r0 -eq 0 && test $? -eq 0"),
            0);
  // Rank 0 alone wrote the run: a history of 6 epochs, one model, test metrics.
  std::ifstream history(two / "history.csv");
  int rows = 0;
  for (std::string line; std::getline(history, line);) ++rows;
  EXPECT_EQ(rows, 1 + 20);
  EXPECT_TRUE(fs::exists(two / "model.pt"));
  EXPECT_GT(weighted_f1(one), 0.4);  // trained (~0.6), so that the comparison says something
  EXPECT_NEAR(weighted_f1(two), weighted_f1(one), 0.05);
}

TEST_F(DistributedTraining, RunsUnderTorchrunAsTheReadmeSays) {
  if (shell("/usr/bin/python3 -c \"import torch.distributed.run\" > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "no torchrun (Debian's python3-torch)";
  const fs::path run = dir_ / "torchrun";
  const std::string line = "/usr/bin/python3 -m torch.distributed.run --nproc_per_node 2 --master_port " +
                           std::to_string(free_port(4)) + " --no_python --redirects 2 --tee 1 --log_dir " +
                           (dir_ / "logs").string() + " " + train(run, "--epochs 2") + " > " +
                           (dir_ / "torchrun.log").string() + " 2>&1";
  EXPECT_EQ(shell(line), 0);
  std::ifstream in(dir_ / "torchrun.log");
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("rank 1 of 2: done after 2 epochs"), std::string::npos) << text;
  EXPECT_TRUE(fs::exists(run / "model.pt"));
}

TEST_F(DistributedTraining, AKilledRankStopsTheOtherWithAnError) {
  const int port = free_port(3);
  const fs::path run = dir_ / "killed";
  const auto start = std::chrono::steady_clock::now();
  const std::string r0 = (dir_ / "rank0.log").string();
  const int status = shell(world(1, 2, port) + " " + train(run, "--epochs 5000 --dist-timeout 20") +
                           " > /dev/null 2>&1 & p1=$!; " + world(0, 2, port) + " " +
                           train(run, "--epochs 5000 --dist-timeout 20") + " > " + r0 +
                           " 2>&1 & p0=$!; sleep 5; kill -9 $p1; wait $p0");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(status, 0);
  EXPECT_LT(seconds, 5 + 20 + 30);  // the kill, the timeout, slack for a loaded machine
  std::ifstream in(r0);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("xnet: error: distributed training, rank 0"), std::string::npos) << text;
}

}  // namespace
}  // namespace xnet
