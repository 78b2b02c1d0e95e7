#pragma once
// Optimisers of the reference and two alternatives (reference.md: RMSprop, lr 1e-4).
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace xnet {

struct OptimizerOptions {
  std::string name = "adam";  // rmsprop | adam | sgd
  double lr = 1e-3;
  double momentum = 0.9;      // sgd only
};

// RMSprop with Keras' rho 0.9 and eps 1e-7 (the reference code is Keras); Adam with torch's
// defaults; SGD with Nesterov momentum. L2 is in the loss (as Keras' regularisers), not here.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerOptions& options,
                                                        std::vector<torch::Tensor> parameters);

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr);

}  // namespace xnet
