#include "cli/options.hpp"

namespace xnet::cli {

void add_threads_option(CLI::App& cmd, int& threads) {
  cmd.add_option("--threads", threads, "Worker threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

void add_device_option(CLI::App& cmd, std::string& device) {
  cmd.add_option("--device", device, "Where the network runs")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
}

void add_engine_options(CLI::App& cmd, std::string& engine, std::string& precision) {
  cmd.add_option("--engine", engine,
                 "What runs the network: auto (oneDNN for XNet and U-Net on a few images on the CPU, else LibTorch), "
                 "onednn or libtorch")
      ->check(CLI::IsMember({"auto", "onednn", "libtorch"}))
      ->capture_default_str();
  cmd.add_option("--precision", precision,
                 "auto (bf16 on a CPU with native bf16: AVX512-BF16 or AMX; else fp32), fp32 or bf16")
      ->check(CLI::IsMember({"auto", "fp32", "bf16"}))
      ->capture_default_str();
}

}  // namespace xnet::cli
