// xnet::read_radiograph on any bytes: a file with DICOM's 'DICM' marker at byte 128 is named
// .dcm, anything else .png, which OpenCV decodes by content (PNG, JPEG, TIFF and whatever else
// its imread knows), as it does for a user's file. xnet::Error is the documented refusal;
// anything else (a crash, another exception, a sanitizer report, a leak) is a finding.
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
  const bool dicom = size >= 132 && std::memcmp(data + 128, "DICM", 4) == 0;
  const auto file = xnet::fuzz::write_input(dicom ? "input.dcm" : "input.png", data, size);
  try {
    const xnet::Radiograph r = xnet::read_radiograph(file);
    if (r.pixels.type() != CV_32FC1 || r.pixels.empty()) std::abort();  // the reader's contract
  } catch (const xnet::Error&) {
  }
  return 0;
}
