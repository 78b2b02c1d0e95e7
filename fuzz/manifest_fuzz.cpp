// DATA/manifest.csv: xnet::parse_csv, then the dataset layer's reading of its records
// (xnet::list_dataset: header, field counts, duplicate rows, paths relative to DATA).
// Problems are reported, not thrown; xnet::Error is the only documented exception.
#include "core/error.hpp"
#include "data/dataset.hpp"
#include "data/manifest.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    xnet::parse_csv(text);
  } catch (const xnet::Error&) {
  }
  xnet::fuzz::write_input("manifest.csv", data, size);
  const auto listing = xnet::list_dataset(xnet::fuzz::scratch_folder());
  if (listing.problems.empty() && listing.dataset.samples.empty()) std::abort();  // its contract
  return 0;
}
