#include "report/svg_canvas.hpp"

#include <atomic>
#include <fstream>
#include <sstream>

#include <unistd.h>
#include <plplot/plstream.h>

#include "core/error.hpp"

namespace xnet::report {
namespace {

std::filesystem::path temporary_svg() {
  static std::atomic<int> counter{0};
  return std::filesystem::temp_directory_path() /
         ("xnet-plot-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".svg");
}

}  // namespace

SvgCanvas::SvgCanvas(int width, int height) : file_(temporary_svg()), stream_(new plstream) {
  plstream& p = *stream_;
  p.sdev("svg");
  p.sfnam(file_.c_str());
  p.spage(0, 0, width, height, 0, 0);
  p.scolbg(255, 255, 255);
  p.scol0(1, 30, 30, 30);
  p.init();
  p.font(1);  // sans-serif
  p.col0(1);
}

SvgCanvas::~SvgCanvas() {
  stream_.reset();
  std::error_code ignored;
  std::filesystem::remove(file_, ignored);
}

int SvgCanvas::colour(Rgb c) {
  if (next_slot_ >= 16) next_slot_ = 2;  // cmap0 has 16 slots by default
  stream_->scol0(next_slot_, c.r, c.g, c.b);
  stream_->col0(next_slot_);
  return next_slot_++;
}

std::string SvgCanvas::finish() {
  stream_.reset();  // plend1: flushes and closes the file
  std::ifstream in(file_, std::ios::binary);
  if (!in) throw file_error(file_, "PLplot wrote no SVG");
  std::stringstream text;
  text << in.rdbuf();
  std::string svg = text.str();
  in.close();
  std::error_code ignored;
  std::filesystem::remove(file_, ignored);
  const auto start = svg.find("<svg");
  if (start == std::string::npos) throw file_error(file_, "PLplot output holds no <svg> element");
  return svg.substr(start);
}

}  // namespace xnet::report
