// xnet::read_dicom (DCMTK, then xnet's modality transform and MONOCHROME1 inversion) on any
// bytes, with or without the preamble and meta header. xnet::Error is the documented refusal.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/oflog/oflog.h>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "fuzz/fuzz_input.hpp"
#include "io/dicom.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  // read_dicom registers DCMTK's decoders and sets its log level once: let it, then silence it.
  try {
    xnet::read_dicom(xnet::fuzz::write_input("input.dcm", "", 0));
  } catch (const xnet::Error&) {
  }
  OFLog::configure(OFLogger::OFF_LOG_LEVEL);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto file = xnet::fuzz::write_input("input.dcm", data, size);
  try {
    const xnet::Radiograph r = xnet::read_dicom(file);
    if (r.pixels.type() != CV_32FC1 || r.pixels.empty()) std::abort();
  } catch (const xnet::Error&) {
  }
  return 0;
}
