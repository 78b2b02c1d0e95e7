// model.pt's pickle subset (the Unpickler and module walk of engine/model_archive.cpp) and its
// tensor reading, behind a valid zip: the harness wraps the input in one as LibTorch lays it
// out, so the CRCs are right whatever the fuzzer changes. Input: byte 0 = size of the storage
// record data/0 in floats, byte 1 = size of data/1 in 64-float blocks, the rest data.pkl.
// xnet::Error (ArchiveError is one) is the documented refusal.
#include "core/error.hpp"
#include "engine/model_archive.hpp"
#include "engine/test/model_zip.hpp"
#include "fuzz/fuzz_input.hpp"
#include "fuzz/read_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string pickle(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::map<std::string, std::string> records{{"0", std::string(4u * data[0], '\x01')},
                                                   {"1", std::string(256u * data[1], '\x02')}};
  const auto file = xnet::fuzz::scratch_folder() / "model.pt";
  xnet::test::write_model_zip(file, pickle, records);
  xnet::fuzz::read_model(file);
  return 0;
}
