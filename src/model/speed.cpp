#include "model/speed.hpp"

#include <algorithm>
#include <chrono>
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

// Seconds of each of `steps` calls after one untimed warm-up call.
std::vector<double> time_steps(int steps, const std::function<void()>& step) {
  step();
  std::vector<double> seconds;
  for (int i = 0; i < steps; ++i) {
    const auto start = std::chrono::steady_clock::now();
    step();
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return seconds;
}

}  // namespace

nlohmann::json measure_speed(const SpeedOptions& o) {
  if (o.input_size < 1 || o.batch_size < 1 || o.train_steps < 1 || o.infer_steps < 1)
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
  const auto train = time_steps(o.train_steps, [&] {
    optimiser.zero_grad();
    torch::nn::functional::cross_entropy(net->forward(images), labels).backward();
    optimiser.step();
  });
  result["train_batch_size"] = o.batch_size;
  result["train_step_s"] = median(train);
  result["train_images_per_s"] = o.batch_size / median(train);

  // Inference of one image, as a prediction does it.
  net->eval();
  InferenceOptions inference = o.inference;
  inference.device = o.device;
  InferenceEngine engine(*net, inference);
  const auto image = torch::randn({1, o.network.input_channels, size, size});
  const auto infer = time_steps(o.infer_steps, [&] { engine.logits(image); });
  result["infer_ms_per_image"] = 1000.0 * median(infer);
  result["infer_channels_last"] = inference.channels_last;
  result["infer_bfloat16"] = inference.bfloat16;
  result["steps"] = {{"train", o.train_steps}, {"infer", o.infer_steps}};
  return result;
}

}  // namespace xnet::model
