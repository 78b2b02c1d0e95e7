#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/training_options.hpp"
#include "train/cross_validation.hpp"

namespace xnet::cli {

namespace {

struct CvCommand {
  CrossValidationOptions options;
  std::string data, out, augment = "on";
};

}  // namespace

void add_cv_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("cv", "K-fold cross-validation (folds stratified by category)");
  auto c = std::make_shared<CvCommand>();
  cmd->add_option("DATA", c->data, "Dataset folder")->required();
  cmd->add_option("--folds", c->options.folds, "Number of folds")->capture_default_str();
  cmd->add_option("--out", c->out, "Output folder: cv.json and fold_K/ runs")->required();
  cmd->add_flag("--leave-category-out", c->options.leave_category_out,
                "One fold per category: train without it, test on it");
  add_training_options(*cmd, c->options.train, c->augment);
  cmd->callback([c] {
    apply_training_options(c->options.train, c->augment);
    c->options.train.data = c->data;
    c->options.out = c->out;
    const auto cv = cross_validate(c->options);
    for (const char* figure : {"accuracy", "weighted_f1", "auc"}) {
      const auto& s = cv.at("summary").at(figure);
      if (s.at("mean").is_number())
        std::printf("%-12s %.4f +- %.4f\n", figure, s.at("mean").get<double>(), s.at("std").get<double>());
    }
    std::printf("%s\n", (std::filesystem::path(c->out) / "cv.json").c_str());
  });
}

}  // namespace xnet::cli
