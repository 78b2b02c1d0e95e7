#include "model/speed.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <vector>

#include <unistd.h>

#include <filesystem>

#include <opencv2/core.hpp>

#include "core/error.hpp"
#include "core/labels.hpp"
#include "engine/logits_engine.hpp"
#include "model/model_file.hpp"

namespace xnet::model {
namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct StepTimes {
  std::vector<double> wall, cpu;  // seconds; cpu = of all threads, robust to a busy machine
};

// Times of each of `steps` calls after one untimed warm-up call.
StepTimes time_steps(int steps, const std::function<void()>& step) {
  step();
  StepTimes times;
  for (int i = 0; i < steps; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto cpu_start = std::clock();
    step();
    times.cpu.push_back(double(std::clock() - cpu_start) / CLOCKS_PER_SEC);
    times.wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return times;
}

// Share of pixels whose highest-scoring class is the same in both.
double argmax_agreement(const std::vector<cv::Mat>& a, const std::vector<cv::Mat>& b) {
  const auto labels = [](const std::vector<cv::Mat>& maps) {
    std::vector<torch::Tensor> planes;
    for (const auto& m : maps) planes.push_back(torch::from_blob(m.data, {m.rows, m.cols}));
    return torch::stack(planes).argmax(0);
  };
  return (labels(a) == labels(b)).to(torch::kDouble).mean().item<double>();
}

}  // namespace

nlohmann::json measure_speed(const SpeedOptions& o) {
  if (o.input_size < 1 || o.batch_size < 1 || o.train_steps < 0 || o.infer_steps < 1)
    throw UsageError("bench needs a positive input size, batch size and step counts");
  torch::manual_seed(0);
  auto net = make_network(o.network);
  const auto device = select_device(o.device);
  const int size = o.input_size;
  nlohmann::json result{{"architecture", net->spec().architecture},
                        {"network", net->spec()},
                        {"input_size", size},
                        {"parameters", count_trainable_parameters(*net)},
                        {"gflop_per_image", gflop_per_image(net->spec(), size, size)},
                        {"threads", torch::get_num_threads()},
                        {"device", device.str()}};

  // Training step of the anchor: forward, cross-entropy, backward, RMSprop (lr 1e-4 and
  // L2 5e-4 as weight decay, reference.md).
  net->to(device);
  net->train();
  torch::optim::RMSprop optimiser(net->parameters(), torch::optim::RMSpropOptions(1e-4).weight_decay(5e-4));
  const auto images = torch::randn({o.batch_size, o.network.input_channels, size, size}, torch::device(device));
  const auto labels = torch::randint(0, o.network.classes, {o.batch_size, size, size},
                                     torch::device(device).dtype(torch::kLong));
  if (o.train_steps > 0) {  // --steps 0: inference only
    const auto train = time_steps(o.train_steps, [&] {
      optimiser.zero_grad();
      torch::nn::functional::cross_entropy(net->forward(images), labels).backward();
      optimiser.step();
    });
    result["train_batch_size"] = o.batch_size;
    result["train_step_s"] = median(train.wall);
    result["train_images_per_s"] = o.batch_size / median(train.wall);
    result["train_cpu_s_per_step"] = median(train.cpu);
  }

  // Inference of one image as predict runs it: the network saved as a model file and opened
  // by the engine the choice gives (engine/engine_choice.hpp).
  net->eval();
  net->to(torch::kCPU);
  const auto file = std::filesystem::temp_directory_path() / ("xnet-bench-" + std::to_string(::getpid()) + ".pt");
  engine::ModelFile meta;
  meta.network = net->spec();
  meta.input_size = size;
  meta.classes.assign(label::names.begin(), label::names.begin() + meta.network.classes);
  save_model(file, meta, *net);
  struct Remove {
    std::filesystem::path file;
    ~Remove() { std::filesystem::remove(file); }
  } remove{file};
  // Chosen as predict's launcher chooses: LibTorch not yet started.
  const engine::EngineOptions options{o.device, o.threads, o.images, o.engine, o.precision, false};
  const auto engine = engine::open_engine(file, options);
  cv::Mat image(size, size, CV_32F);
  cv::randn(image, 0.0, 1.0);
  const auto infer = time_steps(o.infer_steps, [&] { engine->logits(image); });
  const auto& choice = engine->choice();
  const auto& cpu = engine::cpu_features();
  result["infer_ms_per_image"] = 1000.0 * median(infer.wall);
  result["infer_cpu_ms_per_image"] = 1000.0 * median(infer.cpu);
  result["engine"] = engine::to_string(choice.engine);
  result["precision"] = engine::to_string(choice.precision);
  result["engine_device"] = choice.device;
  result["winograd"] = choice.winograd;
  result["engine_reason"] = choice.reason;
  result["images"] = o.images;
  result["cpu"] = cpu.model_name;
  result["cpu_isa"] = cpu.isa();
  if (choice.precision != engine::Precision::fp32) {
    // What the precision costs: against LibTorch's fp32 on the same device.
    auto reference_options = options;
    reference_options.engine = "libtorch";
    reference_options.precision = "fp32";
    const auto reference = engine::open_engine(file, reference_options);
    const auto expected = reference->logits(image), got = engine->logits(image);
    double max_diff = 0;
    for (std::size_t c = 0; c < got.size(); ++c) max_diff = std::max(max_diff, cv::norm(got[c], expected[c], cv::NORM_INF));
    result["infer_max_abs_logit_diff"] = max_diff;
    result["infer_argmax_agreement"] = argmax_agreement(got, expected);
  }
  result["steps"] = {{"train", o.train_steps}, {"infer", o.infer_steps}};
  return result;
}

}  // namespace xnet::model
