// xnet::engine::ModelArchive on any bytes as model.pt: libzip's reading of the container, the
// data.pkl lookup, and (when a mutation keeps the zip's CRCs right, e.g. in an unmutated
// seed) the pickle and the tensors. model_pickle_fuzz reaches the pickle behind valid zips.
// xnet::Error (ArchiveError is one) is the documented refusal.
#include "core/error.hpp"
#include "engine/model_archive.hpp"
#include "fuzz/fuzz_input.hpp"
#include "fuzz/read_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto file = xnet::fuzz::write_input("model.pt", data, size);
  xnet::fuzz::read_model(file);
  return 0;
}
