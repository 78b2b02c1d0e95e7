#include "model/speed.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <vector>

#include "core/error.hpp"

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

}  // namespace

nlohmann::json measure_speed(const SpeedOptions& o) {
  if (o.input_size < 1 || o.batch_size < 1 || o.train_steps < 0 || o.infer_steps < 1)
    throw UsageError("bench needs a positive input size, batch size and step counts");
  torch::manual_seed(0);
  auto net = make_network(o.network);
  const int size = o.input_size;
  nlohmann::json result{{"architecture", net->spec().architecture},
                        {"network", net->spec()},
                        {"input_size", size},
                        {"parameters", count_trainable_parameters(*net)},
                        {"gflop_per_image", gflop_per_image(net->spec(), size, size)},
                        {"threads", torch::get_num_threads()},
                        {"device", o.device.str()}};

  // Training step of the anchor: forward, cross-entropy, backward, RMSprop (lr 1e-4 and
  // L2 5e-4 as weight decay, reference.md).
  net->to(o.device);
  net->train();
  torch::optim::RMSprop optimiser(net->parameters(), torch::optim::RMSpropOptions(1e-4).weight_decay(5e-4));
  const auto images = torch::randn({o.batch_size, o.network.input_channels, size, size}, torch::device(o.device));
  const auto labels = torch::randint(0, o.network.classes, {o.batch_size, size, size},
                                     torch::device(o.device).dtype(torch::kLong));
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

  // Inference of one image, as a prediction does it.
  net->eval();
  InferenceOptions inference = o.inference;
  inference.device = o.device;
  InferenceEngine engine(*net, inference);
  const auto image = torch::randn({1, o.network.input_channels, size, size});
  const auto infer = time_steps(o.infer_steps, [&] { engine.logits(image); });
  result["infer_ms_per_image"] = 1000.0 * median(infer.wall);
  result["infer_cpu_ms_per_image"] = 1000.0 * median(infer.cpu);
  result["infer_channels_last"] = inference.channels_last;
  result["infer_bfloat16"] = inference.bfloat16;
  if (inference.bfloat16 || inference.channels_last) {
    // What the faster layout or precision costs: against the float32 NCHW engine.
    InferenceOptions reference;
    reference.device = o.device;
    const auto expected = InferenceEngine(*net, reference).logits(image);
    const auto got = engine.logits(image);
    result["infer_max_abs_logit_diff"] = (got - expected).abs().max().item<double>();
    result["infer_argmax_agreement"] = (got.argmax(1) == expected.argmax(1)).to(torch::kDouble).mean().item<double>();
  }
  result["steps"] = {{"train", o.train_steps}, {"infer", o.infer_steps}};
  return result;
}

}  // namespace xnet::model
