// model.pt's torch-free reader on archives written without LibTorch (model_zip.hpp): what it
// reads, and the hostile inputs fuzzing found (fuzz/model_pickle_fuzz.cpp), each refused with
// an error naming the file. engine_test compares it with LibTorch's own files.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

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
      .str(model::kMagicRecord).str(model::kMagic)
      .str(model::kVersionRecord).integer(model::kModelFormatVersion)
      .str(model::kDescriptionRecord).str(nlohmann::json(model::ModelFile{}).dump());
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
