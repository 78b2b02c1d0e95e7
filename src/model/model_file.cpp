#include "model/model_file.hpp"

#include <map>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "engine/model_archive.hpp"

namespace xnet::model {
namespace {

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// Every parameter and buffer with its shape, as the described network has them.
std::map<std::string, std::vector<int64_t>> tensor_shapes(const torch::nn::Module& net) {
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& p : net.named_parameters()) shapes[p.key()] = p.value().sizes().vec();
  for (const auto& b : net.named_buffers()) shapes[b.key()] = b.value().sizes().vec();
  return shapes;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s;
  for (auto d : shape) s += (s.empty() ? "" : "x") + std::to_string(d);
  return s.empty() ? "scalar" : s;
}

// LibTorch's Module::load replaces each tensor with the stored one whatever its shape, and
// checks no value: the weights must match the description and be finite.
void check_loaded_weights(const torch::nn::Module& net, const std::map<std::string, std::vector<int64_t>>& described,
                          const std::filesystem::path& path) {
  for (const auto& [name, shape] : tensor_shapes(net)) {
    const auto& expected = described.at(name);
    if (shape != expected)
      throw file_error(path, "weights do not match the described network: " + name + " is " + shape_text(shape) +
                                 ", the description needs " + shape_text(expected));
  }
  for (const auto& p : net.named_parameters())
    if (!torch::isfinite(p.value()).all().item<bool>()) throw file_error(path, p.key() + " holds NaN or infinite weights");
  for (const auto& b : net.named_buffers())
    if (b.value().is_floating_point() && !torch::isfinite(b.value()).all().item<bool>())
      throw file_error(path, b.key() + " holds NaN or infinite values");
}

}  // namespace

void save_model(const std::filesystem::path& path, const engine::ModelFile& meta, SegmentationNetImpl& net) {
  engine::ModelFile stored = meta;
  stored.network = net.spec();  // the spec the weights belong to, "auto" resolved
  stored.format_version = engine::kModelFormatVersion;
  write_atomically(path, [&](const std::filesystem::path& tmp) {
    torch::serialize::OutputArchive archive;
    archive.write(engine::kMagicRecord, c10::IValue(std::string(engine::kMagic)));
    archive.write(engine::kVersionRecord, c10::IValue(static_cast<int64_t>(engine::kModelFormatVersion)));
    archive.write(engine::kDescriptionRecord, c10::IValue(nlohmann::json(stored).dump()));
    net.save(archive);
    archive.save_to(tmp.string());
  });
}

LoadedModel load_model(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path)) throw file_error(path, "no such model file");
  // LibTorch's reader checks no CRC: every record is checked first (engine/model_archive).
  try {
    engine::ModelArchive(path).verify_storages();
  } catch (const engine::ArchiveError&) {
    // A pickle this torch-free reader does not follow: LibTorch may still; its CRCs unchecked.
  }
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path.string());
  } catch (const c10::Error& e) {
    throw file_error(path, "not an xnet model file (unreadable or truncated LibTorch archive: " +
                               first_line(e.what_without_backtrace()) + ")");
  }
  c10::IValue magic, version, description;
  const bool has_magic = archive.try_read(engine::kMagicRecord, magic) && magic.isString();
  const bool has_version = archive.try_read(engine::kVersionRecord, version) && version.isInt();
  const bool has_description = archive.try_read(engine::kDescriptionRecord, description) && description.isString();
  const int64_t version_number = has_version ? version.toInt() : 0;
  LoadedModel loaded;
  loaded.meta = engine::description_from_records(path, has_magic ? &magic.toStringRef() : nullptr,
                                         has_version ? &version_number : nullptr,
                                         has_description ? &description.toStringRef() : nullptr);
  try {
    loaded.net = make_network(loaded.meta.network);
    const auto described = tensor_shapes(*loaded.net);
    loaded.net->load(archive);
    check_loaded_weights(*loaded.net, described, path);
  } catch (const c10::Error& e) {
    throw file_error(path, "weights do not match the described network: " + first_line(e.what_without_backtrace()));
  } catch (const UsageError& e) {
    throw file_error(path, std::string("describes an impossible network: ") + e.what());
  }
  loaded.net->eval();
  return loaded;
}

void update_model(const std::filesystem::path& path, const std::function<void(engine::ModelFile&)>& change) {
  auto model = load_model(path);
  change(model.meta);
  save_model(path, model.meta, *model.net);
}

}  // namespace xnet::model
