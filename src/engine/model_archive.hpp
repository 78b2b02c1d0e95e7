#pragma once
// model.pt read without LibTorch, so that `xnet predict` need not load it (~0.7 s of every
// process start). model.pt is LibTorch's archive: a zip whose data.pkl (a Python pickle,
// protocol 2) describes the module tree and whose data/KEY records hold the raw tensor
// storages. This reads the subset of pickle that LibTorch 1.13 writes for a module of float
// tensors and strings. What it cannot read is an ArchiveError, and the caller falls back to
// LibTorch; a file that is no xnet model at all (not a zip, no data.pkl, no xnet records) is
// a plain Error naming the file, as load_model gives.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "engine/model_description.hpp"

namespace xnet::engine {

// The file is not one this reader understands (it may still be a valid LibTorch archive).
struct ArchiveError : Error {
  using Error::Error;
};

// A float32 tensor's shape and values (row-major).
struct FloatTensor {
  std::vector<int64_t> shape;
  std::vector<float> values;
  int64_t numel() const;
};

class ModelArchive {
 public:
  // Opens the zip, checks every record but the tensor storages against its CRC-32 and parses
  // data.pkl; tensors are read (and checked) on demand.
  explicit ModelArchive(const std::filesystem::path& path);
  ~ModelArchive();
  ModelArchive(const ModelArchive&) = delete;
  ModelArchive& operator=(const ModelArchive&) = delete;

  // xnet's own records (model/model_file.cpp writes them): magic, format version and
  // description, checked as load_model checks them (the weights' shapes are the engine's to check).
  const engine::ModelFile& description() const { return description_; }
  // Dotted parameter and buffer names ("c1.conv.weight"), as torch::nn::Module names them.
  std::vector<std::string> tensor_names() const;
  bool has_tensor(const std::string& name) const { return tensors_.count(name) > 0; }
  // Throws ArchiveError when absent, not float32 or not contiguous; Error (no other engine
  // would do better) when its record fails its CRC-32 or a value is NaN or infinite.
  FloatTensor read_float(const std::string& name) const;
  // Every tensor storage read whole and checked against its CRC-32 (the constructor has
  // checked the other records): for readers that do not check, LibTorch's among them.
  void verify_storages() const;

  const std::filesystem::path& path() const { return path_; }

 private:
  struct TensorRecord {
    std::string storage_key, storage_type;
    int64_t offset = 0;
    std::vector<int64_t> shape, strides;
  };
  std::filesystem::path path_;
  struct Zip;
  std::unique_ptr<Zip> zip_;
  std::string prefix_;  // the archive's top folder, "NAME/"
  std::map<std::string, TensorRecord> tensors_;
  engine::ModelFile description_;
};

}  // namespace xnet::engine
