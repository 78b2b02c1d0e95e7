#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/training_options.hpp"
#include "core/error.hpp"
#include "model/model_file.hpp"
#include "train/trainer.hpp"

namespace xnet::cli {

namespace {

struct TrainCommand {
  TrainOptions options;
  std::string data, out, resume, preview, augment = "on";
};

void print_result(const TrainResult& r, const std::filesystem::path& out) {
  if (r.rank != 0) {
    std::printf("rank %d of %d: done after %d epochs; rank 0 wrote %s\n", r.rank, r.processes, r.epochs,
                out.c_str());
    return;
  }
  std::printf("stopped by %s after %d epochs; best epoch %d (val loss %.4f); %.2f training images/s\n",
              r.stopped_by.c_str(), r.epochs, r.best_epoch, r.best_val_loss, r.train_images_per_second);
  if (!r.metrics.is_null()) {
    const auto& w = r.metrics.at("weighted");
    const auto figure = [](const nlohmann::json& v) { return v.is_number() ? v.get<double>() : NAN; };
    std::printf("test: accuracy %.4f, weighted F1 %.4f, weighted AUC %.4f (%s)\n",
                figure(r.metrics.at("accuracy")), figure(w.value("f1", nlohmann::json())),
                figure(w.value("auc", nlohmann::json())), (out / "metrics.json").c_str());
  }
  std::printf("model: %s\n", (out / "model.pt").c_str());
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "Train a segmentation network on a dataset");
  auto c = std::make_shared<TrainCommand>();
  cmd->add_option("DATA", c->data, "Dataset folder (manifest.csv, images/, masks/)");
  cmd->add_option("--out", c->out, "Run folder: model.pt, checkpoint.pt, history.csv, split.csv, metrics.json");
  cmd->add_option("--resume", c->resume, "Continue the interrupted run in this folder");
  cmd->add_option("--preview-augment", c->preview, "Write a PNG grid of augmented training pairs and exit");
  add_training_options(*cmd, c->options, c->augment);
  cmd->callback([c, cmd] {
    apply_training_options(c->options, c->augment);
    if (!c->resume.empty()) {
      ResumeOverrides overrides;
      if (cmd->count("--time-limit")) overrides.time_limit_minutes = c->options.time_limit_minutes;
      if (cmd->count("--epochs")) overrides.epochs = c->options.epochs;
      if (cmd->count("--threads")) overrides.threads = c->options.threads;
      if (cmd->count("--device")) overrides.device = c->options.device;
      print_result(resume_training(c->resume, overrides), c->resume);
      return;
    }
    if (c->data.empty()) throw UsageError("train: DATA is required (or --resume RUN)");
    c->options.data = c->data;
    if (!c->preview.empty()) {
      write_training_preview(c->options, c->preview);
      std::printf("augmentation preview: %s\n", c->preview.c_str());
      return;
    }
    if (c->out.empty()) throw UsageError("train: --out RUN is required");
    c->options.out = c->out;
    if (!c->options.init.empty()) {
      // Fine-tuning sees images as the model it starts from was trained to, unless told otherwise.
      const auto init = model::load_model(c->options.init).meta;
      if (!cmd->count("--input-size")) c->options.input_size = init.input_size;
      if (!cmd->count("--square-windows"))
        c->options.square_windows = init.preprocessing.value("square_windows", false);
    }
    print_result(train(c->options), c->out);
  });
}

}  // namespace xnet::cli
