// xnet::read_radiograph on any bytes, named by their magic as a user's file would be: DICOM's
// 'DICM' marker at byte 128 .dcm, JPEG's FF D8 .jpg, TIFF's II*0 / MM0* .tif, anything else
// .png (each extension has its own structure check before OpenCV or libjpeg decodes).
// xnet::Error is the documented refusal; anything else (a crash, another exception, a
// sanitizer report, a leak) is a finding.
#include <cstring>

#include <opencv2/core/utils/logger.hpp>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "fuzz/fuzz_input.hpp"
#include "io/radiograph.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto starts = [&](const char* magic, std::size_t n) { return size >= n && std::memcmp(data, magic, n) == 0; };
  const char* name = size >= 132 && std::memcmp(data + 128, "DICM", 4) == 0 ? "input.dcm"
                     : starts("\xff\xd8", 2)                                 ? "input.jpg"
                     : starts("II*\0", 4) || starts("MM\0*", 4)               ? "input.tif"
                                                                              : "input.png";
  const auto file = xnet::fuzz::write_input(name, data, size);
  try {
    const xnet::Radiograph r = xnet::read_radiograph(file);
    if (r.pixels.type() != CV_32FC1 || r.pixels.empty()) std::abort();  // the reader's contract
  } catch (const xnet::Error&) {
  }
  return 0;
}
