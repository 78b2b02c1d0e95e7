#include "cli/training_options.hpp"

#include "cli/model_argument.hpp"
#include "cli/options.hpp"

namespace xnet::cli {

void add_training_options(CLI::App& cmd, TrainOptions& o, std::string& augment) {
  cmd.add_option("--model", o.model, "Architecture")
      ->check(CLI::IsMember({"xnet", "unet", "segnet", "deeplab"}))
      ->capture_default_str();
  cmd.add_option("--base-filters", o.base_filters, "Filters of the first level (reference: 64)")
      ->check(CLI::Range(1, 256))->capture_default_str();
  cmd.add_option("--input-size", o.input_size, "Network input side in pixels (reference: 200)")
      ->check(CLI::Range(16, 1024))->capture_default_str();  // what a model file may describe
  cmd.add_option("--epochs", o.epochs, "Epochs (0: 60, or until --time-limit)")->capture_default_str();
  cmd.add_option("--batch-size", o.batch_size,
                 "Images per step, per process when distributed (DDP's convention: the step sees "
                 "batch size x processes images)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd.add_option("--dist-timeout", o.dist_timeout_seconds,
                 "Distributed training (under torchrun or srun: RANK, WORLD_SIZE, MASTER_ADDR, "
                 "MASTER_PORT): seconds a process waits for the others before the run stops with an error")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  cmd.add_option("--epoch-size", o.epoch_size, "Balanced draws per epoch (0 = training images)")->capture_default_str();
  cmd.add_option("--lr", o.lr, "Learning rate (0: 1e-3 adam, 1e-4 rmsprop, 1e-2 sgd)")->capture_default_str();
  cmd.add_option("--optimizer", o.optimizer, "rmsprop (reference) | adam | sgd")
      ->check(CLI::IsMember({"rmsprop", "adam", "sgd"}))->capture_default_str();
  cmd.add_option("--schedule", o.schedule, "Learning-rate schedule")
      ->check(CLI::IsMember({"constant", "cosine", "plateau"}))->capture_default_str();
  cmd.add_option("--patience", o.patience, "Early stopping: epochs without a better validation loss (0 = off)")
      ->capture_default_str();
  cmd.add_option("--time-limit", o.time_limit_minutes, "Minutes for the whole run, final test included")
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--seed", o.seed, "Random seed (split, sampling, augmentation, initial weights)")->capture_default_str();
  cmd.add_option("--l2", o.l2, "L2 lambda on convolution weights (reference: 5e-4)")->capture_default_str();
  cmd.add_option("--class-weights", o.class_weights, "Loss weight per class, e.g. 1,2,1")->delimiter(',');
  cmd.add_option("--boundary-weight", o.boundary_weight, "U-Net boundary weight w0 (0 = off)")->capture_default_str();
  cmd.add_option("--region-loss", o.region_loss, "Extra loss term")
      ->check(CLI::IsMember({"none", "dice", "lovasz"}))->capture_default_str();
  cmd.add_option("--region-weight", o.region_weight, "Weight of the extra loss term")->capture_default_str();
  cmd.add_option("--augment", augment, "On-the-fly augmentation")
      ->check(CLI::IsMember({"on", "off"}))->capture_default_str();
  cmd.add_option("--split-file", o.split_file, "Reuse a split.csv (image,split)")->check(CLI::ExistingFile);
  cmd.add_option("--init", o.init,
                 "Start from a trained model: a model.pt, or 'default' (fine-tuning the shipped model); "
                 "its input size unless --input-size is given")
      ->transform(model_file_or_default());
  cmd.add_flag("--square-windows", o.square_windows,
               "See elongated images (over 1.4:1) as overlapping square windows instead of squashing them");
  cmd.add_option("--freeze", o.freeze, "Train only the decoder")->check(CLI::IsMember({"encoder"}));
  cmd.add_option("--collimator-class", o.collimator_class,
                 "auto: a 4th class when any mask has label 3; off: label 3 is ignored")
      ->check(CLI::IsMember({"auto", "on", "off"}))->capture_default_str();
  cmd.add_option("--examples", o.examples, "Best and worst test images written to RUN/examples")->capture_default_str();
  add_threads_option(cmd, o.threads);
  add_device_option(cmd, o.device);
}

void apply_training_options(TrainOptions& o, const std::string& augment) { o.augment = augment != "off"; }

}  // namespace xnet::cli
