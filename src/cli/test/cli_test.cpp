// The command line's outside contract: --help everywhere, one-line errors, exit codes.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "cli/test/run_xnet.hpp"

using xnet::test::Result;
using xnet::test::run;

TEST(Cli, EveryContractCommandPrintsHelp) {
  for (const char* command : {"check", "info", "synth", "train", "cv", "evaluate", "predict",
                              "bench", "import-labels", "calibrate", "report"}) {
    const Result r = run(std::string(command) + " --help");
    EXPECT_EQ(r.status, 0) << command;
    EXPECT_NE(r.output.find(command), std::string::npos) << r.output;
  }
}

TEST(Cli, UsageErrorIsOneLineWithExitTwo) {
  const Result r = run("predict --no-such-option");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output.rfind("xnet: error: ", 0), 0u) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
}

TEST(Cli, VerboseIsAcceptedBeforeAndAfterTheCommand) {
  // The program's own flag (what it shows: io's DcmtksOwnMessagesGoToTheLoggerNotStderr).
  EXPECT_EQ(run("--verbose predict --help").status, 0);
  EXPECT_EQ(run("info --verbose --help").status, 0);
  const Result r = run("predict --verbose --no-such-option");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  EXPECT_NE(run("--help").output.find("--verbose"), std::string::npos);
}

TEST(Cli, UnknownCommandIsUsageError) {
  EXPECT_EQ(run("frobnicate").status, 2);
  EXPECT_EQ(run("").status, 2);
}

// `xnet predict` starts in a fraction of LibTorch's start-up (launcher.cpp): the program users
// run must not link it; xnet-torch beside it has every command.
TEST(Cli, XnetItselfDoesNotLinkLibTorch) {
  const Result linked = xnet::test::run_program("ldd", XNET_BINARY);
  ASSERT_EQ(linked.status, 0) << linked.output;
  EXPECT_NE(linked.output.find("libdnnl"), std::string::npos) << linked.output;
  EXPECT_EQ(linked.output.find("libtorch"), std::string::npos) << linked.output;
  EXPECT_EQ(linked.output.find("libc10"), std::string::npos) << linked.output;
  const Result torch = xnet::test::run_program("ldd", std::string(XNET_BINARY) + "-torch");
  EXPECT_NE(torch.output.find("libtorch"), std::string::npos) << torch.output;
}
