#include "train/optimizer.hpp"

#include "core/error.hpp"

namespace xnet {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerOptions& options,
                                                        std::vector<torch::Tensor> parameters) {
  using namespace torch::optim;
  if (options.name == "rmsprop")
    return std::make_unique<RMSprop>(std::move(parameters),
                                     RMSpropOptions(options.lr).alpha(0.9).eps(1e-7));
  if (options.name == "adam")
    return std::make_unique<Adam>(std::move(parameters), AdamOptions(options.lr));
  if (options.name == "sgd")
    return std::make_unique<SGD>(std::move(parameters),
                                 SGDOptions(options.lr).momentum(options.momentum).nesterov(true));
  throw UsageError("unknown --optimizer '" + options.name + "' (rmsprop, adam, sgd)");
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

}  // namespace xnet
