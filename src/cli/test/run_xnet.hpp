#pragma once
// Runs the built xnet program (XNET_BINARY) with arguments, as a user's shell would.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace xnet::test {

struct Result {
  int status;
  std::string output;  // stdout and stderr together
};

inline Result run_program(const std::string& program, const std::string& args) {
  const std::string command = program + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) out += buf.data();
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), out};
}

inline Result run(const std::string& args) { return run_program(XNET_BINARY, args); }

// The program with environment assignments before it, as a shell line: "RANK=1 WORLD_SIZE=2".
inline Result run_with_environment(const std::string& assignments, const std::string& args) {
  return run_program(assignments + " " + XNET_BINARY, args);
}

}  // namespace xnet::test
