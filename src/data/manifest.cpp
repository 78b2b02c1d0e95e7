#include "data/manifest.hpp"

#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace xnet {

std::vector<CsvRecord> parse_csv(const std::string& text) {
  std::vector<CsvRecord> records;
  std::size_t i = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  int line = 1;
  while (i < text.size()) {
    CsvRecord record{line, {}};
    std::string field;
    bool end_of_record = false;
    while (!end_of_record) {
      if (i < text.size() && text[i] == '"') {  // quoted field
        const int opened = line;
        ++i;
        for (;;) {
          if (i >= text.size())
            throw Error("line " + std::to_string(opened) + ": unterminated quoted field");
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          field += text[i++];
        }
      }
      while (i < text.size() && text[i] != ',' && text[i] != '\n') {
        if (text[i] != '\r') field += text[i];
        ++i;
      }
      record.fields.push_back(std::move(field));
      field.clear();
      if (i < text.size() && text[i] == ',') {
        ++i;
      } else {
        end_of_record = true;
        if (i < text.size()) ++i, ++line;  // the '\n'
      }
    }
    const bool blank = record.fields.size() == 1 && record.fields[0].empty();
    if (!blank) records.push_back(std::move(record));
  }
  return records;
}

std::string read_text_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw file_error(file, "cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw file_error(file, "cannot read");
  return text.str();
}

}  // namespace xnet
