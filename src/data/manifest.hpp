#pragma once
// DATA/manifest.csv: RFC 4180 CSV (quoted fields may hold commas, quotes as "", line breaks).
#include <filesystem>
#include <string>
#include <vector>

namespace xnet {

struct CsvRecord {
  int line = 0;  // 1-based line where the record starts, for error messages
  std::vector<std::string> fields;
};

// Parses CSV text; skips blank lines; a UTF-8 byte-order mark is ignored. Throws xnet::Error
// ("line N: ...") for an unterminated quoted field.
std::vector<CsvRecord> parse_csv(const std::string& text);

// Reads a whole text file, or throws xnet::Error naming it.
std::string read_text_file(const std::filesystem::path& file);

}  // namespace xnet
