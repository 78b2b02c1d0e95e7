#include "report/run_folder.hpp"

#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/error.hpp"

namespace xnet::report {
namespace fs = std::filesystem;

const std::vector<double>* History::column(const std::string& name) const {
  const auto it = columns.find(name);
  return it == columns.end() ? nullptr : &it->second;
}

namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ',')) {
    while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
    while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
    cells.push_back(cell);
  }
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw file_error(file, "cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

History parse_history(const std::string& text, const fs::path& file) {
  std::stringstream in(text);
  std::string line;
  if (!std::getline(in, line)) throw file_error(file, "empty, expected a header line");
  const std::vector<std::string> header = split_csv_line(line);
  History h;
  for (const auto& name : header) h.columns[name];
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line == "\r") continue;
    const std::vector<std::string> cells = split_csv_line(line);
    if (cells.size() != header.size())
      throw file_error(file, "line " + std::to_string(line_number) + " has " +
                                 std::to_string(cells.size()) + " cells, the header " +
                                 std::to_string(header.size()));
    for (std::size_t c = 0; c < cells.size(); ++c) {
      double v = std::nan("");
      if (!cells[c].empty()) {
        char* end = nullptr;
        v = std::strtod(cells[c].c_str(), &end);
        if (*end != '\0')
          throw file_error(file, "line " + std::to_string(line_number) + ", column " + header[c] +
                                     ": '" + cells[c] + "' is not a number");
      }
      h.columns[header[c]].push_back(v);
    }
    ++h.rows;
  }
  return h;
}

RunFolder read_run_folder(const fs::path& run) {
  if (!fs::is_directory(run)) throw file_error(run, "not a run folder");
  RunFolder r;
  r.path = run;
  try {
    const fs::path file = run / "history.csv";
    if (!fs::exists(file)) throw file_error(file, "missing");
    r.history = parse_history(read_text(file), file);
    if (r.history->rows == 0) throw file_error(file, "holds no epochs");
  } catch (const Error& e) {
    r.history.reset();
    r.history_missing = e.what();
  }
  try {
    const fs::path file = run / "metrics.json";
    if (!fs::exists(file)) throw file_error(file, "missing");
    try {
      r.metrics = nlohmann::json::parse(read_text(file));
    } catch (const nlohmann::json::exception& e) {
      throw file_error(file, std::string("not valid JSON: ") + e.what());
    }
  } catch (const Error& e) {
    r.metrics_missing = e.what();
  }

  // The comparison's inputs: each one optional, a missing one noted, a broken one named.
  const auto optional_json = [&](const fs::path& file, std::optional<nlohmann::json>& into) {
    if (!fs::exists(file)) {
      r.comparison_missing += (r.comparison_missing.empty() ? "" : "; ") + file.string() + " missing";
      return;
    }
    try {
      into = nlohmann::json::parse(read_text(file));
    } catch (const nlohmann::json::exception& e) {
      r.comparison_missing += (r.comparison_missing.empty() ? "" : "; ") + file.string() + ": not valid JSON";
    }
  };
  optional_json(run / "baseline" / "metrics.json", r.baseline_metrics);
  optional_json(run / "robustness.json", r.robustness);
  optional_json(run / "cv.json", r.cv);

  const fs::path examples = run / "examples";
  if (!fs::is_directory(examples)) {
    r.examples_missing = file_error(examples, "missing").what();
    return r;
  }
  const std::regex panel_name(R"((best|worst)_([0-9]+)_(image|truth|prediction|errors)\.png)");
  const std::regex caption_name(R"((best|worst)_([0-9]+)\.json)");
  std::map<std::pair<int, int>, Example> found;  // (kind: 0 best 1 worst, rank)
  for (const auto& entry : fs::directory_iterator(examples)) {
    const std::string name = entry.path().filename().string();
    std::smatch m;
    const bool panel = std::regex_match(name, m, panel_name);
    if (!panel && !std::regex_match(name, m, caption_name)) continue;
    Example& e = found[{m[1] == "best" ? 0 : 1, std::stoi(m[2])}];
    e.kind = m[1];
    e.rank = std::stoi(m[2]);
    if (panel) {
      e.panels[m[3]] = entry.path();
    } else {
      try {
        e.caption = nlohmann::json::parse(read_text(entry.path()));
      } catch (const std::exception&) {
        e.caption = nlohmann::json{{"caption", name + " is not valid JSON"}};
      }
    }
  }
  for (auto& [key, e] : found) r.examples.push_back(std::move(e));
  if (r.examples.empty()) r.examples_missing = file_error(examples, "holds no {best,worst}_N_*.png").what();
  return r;
}

}  // namespace xnet::report
