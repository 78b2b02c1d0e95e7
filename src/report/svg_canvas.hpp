#pragma once
// One PLplot drawing rendered by its svg driver into a string for inlining in HTML.
// PLplot writes to a file: a private temporary file, read back and removed in finish().
#include <filesystem>
#include <memory>
#include <string>

class plstream;

namespace xnet::report {

struct Rgb {
  int r, g, b;
};

class SvgCanvas {
 public:
  SvgCanvas(int width, int height);  // in SVG points
  ~SvgCanvas();
  SvgCanvas(const SvgCanvas&) = delete;
  SvgCanvas& operator=(const SvgCanvas&) = delete;

  plstream& pls() { return *stream_; }
  // Makes colour the current pen colour and returns its cmap0 slot (for legends).
  int colour(Rgb c);
  // Ends the drawing and returns the <svg> element (XML prologue removed).
  std::string finish();

 private:
  std::filesystem::path file_;
  std::unique_ptr<plstream> stream_;
  int next_slot_ = 2;  // 0 background, 1 axes and text
};

}  // namespace xnet::report
