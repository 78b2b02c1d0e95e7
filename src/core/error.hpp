#pragma once
// Errors the user can act on: each names the file, what was expected and what was found.
#include <filesystem>
#include <stdexcept>
#include <string>

namespace xnet {

// A problem with the user's input or environment: printed as one line `xnet: error: ...`, exit 1.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A wrong command line: printed as one line, exit 2.
struct UsageError : Error {
  using Error::Error;
};

// "path: what" — the one format for errors about a file.
Error file_error(const std::filesystem::path& file, const std::string& what);

// A contract command whose issue has not landed yet says so instead of pretending to work.
Error not_implemented(const std::string& command, int issue);

}  // namespace xnet
