#include "train/checkpoint.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace xnet {

namespace {

constexpr int checkpoint_format = 1;

torch::serialize::InputArchive open_archive(const std::filesystem::path& file,
                                            const torch::Device& device) {
  if (!std::filesystem::exists(file)) throw file_error(file, "no checkpoint (nothing to resume)");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(file.string(), device);
  } catch (const c10::Error& e) {
    throw file_error(file, "not a readable checkpoint");
  }
  return archive;
}

nlohmann::json state_of(torch::serialize::InputArchive& archive, const std::filesystem::path& file) {
  c10::IValue value;
  if (!archive.try_read("state", value) || !value.isString())
    throw file_error(file, "checkpoint without trainer state");
  auto state = nlohmann::json::parse(value.toStringRef());
  if (state.value("format", 0) != checkpoint_format)
    throw file_error(file, "checkpoint format " + std::to_string(state.value("format", 0)) +
                               ", this xnet reads " + std::to_string(checkpoint_format));
  return state;
}

}  // namespace

void save_checkpoint(const std::filesystem::path& file, const torch::nn::Module& net,
                     const torch::optim::Optimizer& optimizer, const nlohmann::json& state) {
  torch::serialize::OutputArchive archive, weights, moments;
  net.save(weights);
  optimizer.save(moments);
  archive.write("model", weights);
  archive.write("optimizer", moments);
  nlohmann::json s = state;
  s["format"] = checkpoint_format;
  archive.write("state", c10::IValue(s.dump()));
  write_atomically(file, [&](const std::filesystem::path& tmp) { archive.save_to(tmp.string()); });
}

nlohmann::json read_checkpoint_state(const std::filesystem::path& file) {
  auto archive = open_archive(file, torch::kCPU);
  return state_of(archive, file);
}

nlohmann::json load_checkpoint(const std::filesystem::path& file, torch::nn::Module& net,
                               torch::optim::Optimizer& optimizer, const torch::Device& device) {
  auto archive = open_archive(file, device);
  auto state = state_of(archive, file);
  torch::serialize::InputArchive weights, moments;
  try {
    archive.read("model", weights);
    archive.read("optimizer", moments);
    net.load(weights);
    optimizer.load(moments);
  } catch (const c10::Error& e) {
    throw file_error(file, "checkpoint does not fit this network or optimiser");
  }
  return state;
}

}  // namespace xnet
