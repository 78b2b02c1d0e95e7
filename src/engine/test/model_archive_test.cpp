// model.pt's torch-free reader on archives written without LibTorch (model_zip.hpp): what it
// reads, and the hostile inputs fuzzing found (fuzz/model_pickle_fuzz.cpp), each refused with
// an error naming the file. engine_test compares it with LibTorch's own files.
#include <gtest/gtest.h>

#include <zip.h>

#include <fstream>
#include <iterator>
#include <limits>

#include "engine/model_archive.hpp"
#include "engine/test/model_zip.hpp"
#include "io/test/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace xnet;
using engine::ModelArchive;

namespace {

// The root module with xnet's records, then `body` (more key/value pairs), closed.
std::string xnet_pickle(const std::function<void(test::PickleWriter&)>& body) {
  test::PickleWriter p;
  p.begin_object("Module")
      .str(engine::kMagicRecord).str(engine::kMagic)
      .str(engine::kVersionRecord).integer(engine::kModelFormatVersion)
      .str(engine::kDescriptionRecord).str(nlohmann::json(engine::ModelFile{}).dump());
  body(p);
  p.end_object();
  return p.finish();
}

std::string floats(std::size_t n) { return std::string(4 * n, '\0'); }

}  // namespace

TEST(ModelArchive, ReadsAModuleOfTensorsWrittenByHand) {
  const fs::path file = test::scratch_dir() / "model.pt";
  test::write_model_zip(file, xnet_pickle([](test::PickleWriter& p) {
                          p.str("c1").begin_object("Conv")
                              .str("weight").tensor("0", 18, 0, {2, 1, 3, 3}, {9, 9, 3, 1})
                              .str("bias").tensor("1", 8, 6, {2}, {1})
                              .end_object();
                        }),
                        {{"0", floats(18)}, {"1", floats(8)}});
  const ModelArchive archive(file);
  EXPECT_EQ(archive.tensor_names(), (std::vector<std::string>{"c1.bias", "c1.weight"}));
  EXPECT_EQ(archive.read_float("c1.weight").values.size(), 18u);
  EXPECT_EQ(archive.read_float("c1.bias").shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(archive.description().network.architecture, "xnet");
}

// Fuzzing (model_archive_fuzz, after the CRC checks): a zip entry with an empty name made the
// check of every record read the last character of an empty string.
TEST(ModelArchive, AnEntryWithAnEmptyNameIsPassedOver) {
  const fs::path file = test::scratch_dir() / "model.pt";
  test::write_model_zip(file, xnet_pickle([](test::PickleWriter& p) {
                          p.str("c1").begin_object("Conv").str("bias").tensor("0", 2, 0, {2}, {1}).end_object();
                        }),
                        {{"0", floats(2)}});
  int error = 0;
  zip_t* zip = zip_open(file.c_str(), 0, &error);
  ASSERT_NE(zip, nullptr);
  static const char bytes[] = "xy";
  ASSERT_GE(zip_file_add(zip, "", zip_source_buffer(zip, bytes, 2, 0), 0), 0);
  ASSERT_EQ(zip_close(zip), 0);
  const ModelArchive archive(file);
  EXPECT_EQ(archive.read_float("c1.bias").values.size(), 2u);
}

namespace {

// The file with the uncompressed size of its first record (data.pkl) set to `size` in the
// zip's central directory, which is where libzip's zip_stat takes it from.
void forge_first_record_size(const fs::path& file, uint32_t size) {
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto central = bytes.find("PK\x01\x02");
  ASSERT_NE(central, std::string::npos);
  for (int i = 0; i < 4; ++i) bytes[central + 24 + i] = static_cast<char>((size >> (8 * i)) & 0xff);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

}  // namespace

// Fuzzing (model_archive_fuzz): a 1.5 KB file whose zip directory claims a 2.6 GB data.pkl made
// the reader allocate that much before reading a byte.
TEST(ModelArchive, ARecordLargerThanTheFileIsRefusedBeforeAllocating) {
  const fs::path file = test::scratch_dir() / "model.pt";
  test::write_model_zip(file, xnet_pickle([](test::PickleWriter&) {}), {});
  forge_first_record_size(file, 2617245697u);
  const std::string error = test::error_of([&] { ModelArchive archive(file); });
  EXPECT_NE(error.find(file.string() + ": record archive/data.pkl declares 2617245697 bytes, more than the file holds"),
            std::string::npos)
      << error;
}

// Fuzzing (model_pickle_fuzz): an empty tensor at an offset copied nothing to nowhere
// (memcpy to the null data() of an empty vector: undefined behaviour, UBSan's report).
TEST(ModelArchive, AnEmptyTensorAtAnOffsetReadsAsEmpty) {
  const fs::path file = test::scratch_dir() / "model.pt";
  test::write_model_zip(file, xnet_pickle([](test::PickleWriter& p) {
                          p.str("empty").tensor("0", 4, 3, {2, 0}, {0, 1});
                        }),
                        {{"0", floats(4)}});
  const ModelArchive archive(file);
  const auto tensor = archive.read_float("empty");
  EXPECT_EQ(tensor.shape, (std::vector<int64_t>{2, 0}));
  EXPECT_TRUE(tensor.values.empty());
}

// Sizes whose product (or offset plus element count, times 4) overflows 64 bits: refused by
// name instead of wrapping around to a small count that passes the storage check.
TEST(ModelArchive, TensorSizesThatOverflowAreRefused) {
  const int64_t big = (int64_t{1} << 32) - 1;
  for (const auto& [shape_, offset_] : {std::pair{std::vector<int64_t>{big, big, big}, int64_t{0}},
                                      std::pair{std::vector<int64_t>{0, big, big, big}, int64_t{0}},
                                      std::pair{std::vector<int64_t>{1}, std::numeric_limits<int64_t>::max()}}) {
    const auto shape = shape_;  // (a lambda cannot capture a structured binding in C++17)
    const auto offset = offset_;
    const fs::path file = test::scratch_dir() / "model.pt";
    const std::vector<int64_t> strides(shape.size(), 1);
    test::write_model_zip(file, xnet_pickle([&](test::PickleWriter& p) {
                            p.str("huge").tensor("0", 4, offset, shape, strides);
                          }),
                          {{"0", floats(4)}});
    const std::string error = test::error_of([&] { ModelArchive archive(file); });
    EXPECT_NE(error.find(file.string() + ": huge: impossible tensor shape, strides or offset"), std::string::npos)
        << error;
  }
}

// A module whose state holds itself (through the memo: BINPUT, then BINGET inside its dict):
// refused for its depth, and freed (a shared_ptr cycle leaked every value: LeakSanitizer's
// report on a dict set into itself, an input written by hand after reading the Unpickler;
// model_pickle_fuzz had not found it in 815,000 runs).
TEST(ModelArchive, AModuleThatContainsItselfIsRefusedAndFreed) {
  const fs::path file = test::scratch_dir() / "model.pt";
  test::PickleWriter p;
  p.global("__torch__", "Module").raw(std::string(")\x81q\x00}(", 6)).str("self").raw(std::string("h\x00ub", 4));
  test::write_model_zip(file, p.finish(), {});
  const std::string error = test::error_of([&] { ModelArchive archive(file); });
  EXPECT_NE(error.find(file.string() + ": data.pkl nests modules deeper than 32"), std::string::npos) << error;

  test::PickleWriter dict;
  dict.raw(std::string("}q\x00h\x00h\x00s", 7));
  test::write_model_zip(file, dict.finish(), {});
  EXPECT_NE(test::error_of([&] { ModelArchive archive(file); }).find("data.pkl holds no module"), std::string::npos);
}

// 31 levels of modules, each naming the one below twice: 2^31 paths to walk, refused at once.
TEST(ModelArchive, AModuleListedOverAndOverIsRefusedQuickly) {
  const fs::path file = test::scratch_dir() / "model.pt";
  test::PickleWriter p;
  p.global("__torch__", "Module").raw(std::string(")\x81}bq\x00", 6));
  for (int level = 1; level <= 31; ++level) {
    const std::string below{'h', static_cast<char>(level - 1)};
    p.global("__torch__", "Module").raw(")\x81}(").str("a").raw(below).str("b").raw(below).raw("ub");
    p.raw(std::string{'q', static_cast<char>(level)});
  }
  test::write_model_zip(file, p.finish(), {});
  const std::string error = test::error_of([&] { ModelArchive archive(file); });
  EXPECT_NE(error.find(file.string() + ": data.pkl lists more than 65536 module entries"), std::string::npos) << error;
}
