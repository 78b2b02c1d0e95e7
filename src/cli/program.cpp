#include "cli/program.hpp"

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <opencv2/core/utils/logger.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"

namespace xnet::cli {
namespace {

// LibTorch's messages carry a C++ backtrace after the first line; users get the first line.
std::string first_line(const char* what) {
  std::string s(what);
  const auto end = s.find('\n');
  return end == std::string::npos ? s : s.substr(0, end);
}

int fail(const std::string& message, int code) {
  std::fprintf(stderr, "xnet: error: %s\n", message.c_str());
  return code;
}

}  // namespace

void keep_freed_memory() {
  // Every layer's output (up to 20 MB for XNet-64 at 200^2) otherwise comes back as fresh
  // pages, faulted in and zeroed on every image. glibc caps the mmap threshold at 32 MB.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
}

void send_messages_to_stderr() {
  // Warnings are diagnostics, never a command's output (stdout can be a pipe to jq): one line
  // each on stderr, "xnet: warning: FILE: what". OpenCV's own messages are silenced: the
  // readers' errors name the file, OpenCV's do not.
  auto logger = spdlog::stderr_logger_mt("xnet");
  logger->set_pattern("xnet: %l: %v");
  spdlog::set_default_logger(logger);
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
}

int run_program(int argc, char** argv, const std::function<void(CLI::App&)>& add_commands) {
  send_messages_to_stderr();
  CLI::App app{
      "xnet: segments X-ray radiographs into open beam, soft tissue and bone, and finds the "
      "collimator (XNet, arXiv:1812.00548)."};
  app.set_version_flag("--version", std::string(XNET_VERSION));
  app.require_subcommand(1);
  // --verbose is the program's, accepted before or after the command's own arguments.
  app.fallthrough(true);
  app.add_flag_callback(
      "--verbose", [] { spdlog::set_level(spdlog::level::debug); },
      "Also print diagnostics: the DICOM library's own messages, among others");
  add_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return fail(first_line(e.what()) + " (see 'xnet --help')", 2);
  } catch (const xnet::UsageError& e) {
    return fail(first_line(e.what()), 2);
  } catch (const std::exception& e) {
    return fail(first_line(e.what()), 1);
  }
  return 0;
}

void end_program(int code) {
  // Every output file is complete and renamed into place by now. Ending here skips the static
  // destructors, where LibTorch deregisters its thousands of operators: ~0.15 s at the end of
  // every run (measured on `xnet predict` of one image), nothing that needs doing.
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(code);
}

}  // namespace xnet::cli
