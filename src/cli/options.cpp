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

}  // namespace xnet::cli
