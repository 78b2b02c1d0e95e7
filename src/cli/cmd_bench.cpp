#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "model/runtime.hpp"
#include "model/speed.hpp"

namespace xnet::cli {

void add_bench_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "bench", "Time training of a network and its inference on the engine predict runs; prints one JSON object");
  auto opt = std::make_shared<xnet::model::SpeedOptions>();
  auto& s = *opt;
  cmd->add_option("--model", s.network.architecture, "xnet|unet|segnet|deeplab")->capture_default_str();
  cmd->add_option("--base-filters", s.network.base_filters, "Filters of the first level")->capture_default_str();
  cmd->add_option("--depth", s.network.depth, "Resolution levels (xnet: 4)")->capture_default_str();
  cmd->add_option("--upsampling", s.network.upsampling, "auto|nearest|unpool|transposed|bilinear")->capture_default_str();
  cmd->add_option("--input-size", s.input_size, "Input size in pixels")->capture_default_str();
  cmd->add_option("--batch-size", s.batch_size, "Training batch")->capture_default_str();
  cmd->add_option("--steps", s.train_steps, "Timed training steps (0: inference only)")->capture_default_str();
  cmd->add_option("--infer-steps", s.infer_steps, "Timed inference passes (default: twice --steps, at least 2)");
  cmd->add_option("--images", s.images,
                  "Inference runs on the engine predict chooses for this many images (0 = many)")
      ->capture_default_str();
  add_engine_options(*cmd, s.engine, s.precision);
  add_threads_option(*cmd, s.threads);
  add_device_option(*cmd, s.device);
  s.infer_steps = 0;
  cmd->callback([opt] {
    xnet::model::configure_threads(opt->threads);
    auto speed = *opt;
    if (speed.infer_steps <= 0) speed.infer_steps = std::max(2, 2 * speed.train_steps);
    std::cout << xnet::model::measure_speed(speed).dump() << std::endl;
  });
}

}  // namespace xnet::cli
