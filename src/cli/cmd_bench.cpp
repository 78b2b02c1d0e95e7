#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "model/runtime.hpp"
#include "model/speed.hpp"

namespace xnet::cli {
namespace {

struct BenchOptions {
  xnet::model::SpeedOptions speed;
  int threads = 0;
  std::string device = "auto";
  bool nchw = false;
};

}  // namespace

void add_bench_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("bench", "Time training and inference of a network; prints one JSON object");
  auto opt = std::make_shared<BenchOptions>();
  auto& s = opt->speed;
  cmd->add_option("--model", s.network.architecture, "xnet|unet|segnet|deeplab")->capture_default_str();
  cmd->add_option("--base-filters", s.network.base_filters, "Filters of the first level")->capture_default_str();
  cmd->add_option("--depth", s.network.depth, "Resolution levels (xnet: 4)")->capture_default_str();
  cmd->add_option("--upsampling", s.network.upsampling, "auto|nearest|unpool|transposed|bilinear")->capture_default_str();
  cmd->add_option("--input-size", s.input_size, "Input size in pixels")->capture_default_str();
  cmd->add_option("--batch-size", s.batch_size, "Training batch")->capture_default_str();
  cmd->add_option("--steps", s.train_steps, "Timed training steps (inference: twice as many)")->capture_default_str();
  cmd->add_flag("--bf16", s.inference.bfloat16, "Infer in bfloat16");
  cmd->add_flag("--nchw", opt->nchw, "Infer in NCHW instead of channels-last");
  add_threads_option(*cmd, opt->threads);
  add_device_option(*cmd, opt->device);
  cmd->callback([opt] {
    xnet::model::configure_threads(opt->threads);
    auto speed = opt->speed;
    speed.device = xnet::model::select_device(opt->device);
    speed.infer_steps = 2 * speed.train_steps;
    speed.inference.channels_last = !opt->nchw;
    std::cout << xnet::model::measure_speed(speed).dump() << std::endl;
  });
}

}  // namespace xnet::cli
