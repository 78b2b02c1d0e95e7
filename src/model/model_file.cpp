#include "model/model_file.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace xnet::model {
namespace {

// Keys of the archive beside the module's own parameter names.
constexpr const char* kMagicKey = "xnet_magic";
constexpr const char* kMagic = "xnet segmentation model";
constexpr const char* kVersionKey = "xnet_format_version";
constexpr const char* kMetadataKey = "xnet_metadata";

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

void save_model(const std::filesystem::path& path, const ModelFile& meta, SegmentationNetImpl& net) {
  ModelFile stored = meta;
  stored.network = net.spec();  // the spec the weights belong to, "auto" resolved
  stored.format_version = kModelFormatVersion;
  write_atomically(path, [&](const std::filesystem::path& tmp) {
    torch::serialize::OutputArchive archive;
    archive.write(kMagicKey, c10::IValue(std::string(kMagic)));
    archive.write(kVersionKey, c10::IValue(static_cast<int64_t>(kModelFormatVersion)));
    archive.write(kMetadataKey, c10::IValue(nlohmann::json(stored).dump()));
    net.save(archive);
    archive.save_to(tmp.string());
  });
}

LoadedModel load_model(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path)) throw file_error(path, "no such model file");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path.string());
  } catch (const c10::Error& e) {
    throw file_error(path, "not an xnet model file (unreadable or truncated LibTorch archive: " +
                               first_line(e.what_without_backtrace()) + ")");
  }
  c10::IValue magic, version, metadata;
  if (!archive.try_read(kMagicKey, magic) || !magic.isString() || magic.toStringRef() != kMagic)
    throw file_error(path, "a LibTorch archive but not an xnet model (no xnet metadata)");
  if (!archive.try_read(kVersionKey, version) || !version.isInt())
    throw file_error(path, "xnet model without a format version");
  if (version.toInt() > kModelFormatVersion)
    throw file_error(path, "model format version " + std::to_string(version.toInt()) +
                               " is newer than this xnet reads (" + std::to_string(kModelFormatVersion) + ")");
  if (!archive.try_read(kMetadataKey, metadata) || !metadata.isString())
    throw file_error(path, "xnet model without its description");
  LoadedModel loaded;
  try {
    loaded.meta = nlohmann::json::parse(metadata.toStringRef()).get<ModelFile>();
    loaded.net = make_network(loaded.meta.network);
    loaded.net->load(archive);
  } catch (const nlohmann::json::exception& e) {
    throw file_error(path, std::string("model description is not valid: ") + e.what());
  } catch (const c10::Error& e) {
    throw file_error(path, "weights do not match the described network: " + first_line(e.what_without_backtrace()));
  } catch (const UsageError& e) {
    throw file_error(path, std::string("describes an impossible network: ") + e.what());
  }
  loaded.net->eval();
  return loaded;
}

void update_model(const std::filesystem::path& path, const std::function<void(ModelFile&)>& change) {
  auto model = load_model(path);
  change(model.meta);
  save_model(path, model.meta, *model.net);
}

}  // namespace xnet::model
