#pragma once
// The training objective (reference.md: "loss = cross-entropy + L2", L2 lambda = 5e-4 on every
// convolution; Jaccard/Lovasz-softmax were tried; U-Net's boundary weighting is named in the
// slides). Pixels labelled 255 count nowhere.
#include <string>
#include <vector>

#include <torch/torch.h>

namespace xnet {

struct LossOptions {
  std::vector<double> class_weights;  // empty = every class 1
  // "none", "dice" or "lovasz": a region term added to cross-entropy with region_weight.
  std::string region_term = "none";
  double region_weight = 1.0;
  double l2 = 5e-4;  // lambda on convolution weights, reference.md (Keras l2: lambda * sum w^2)
};

// logits N x C x H x W; labels N x H x W int64 (255 = ignore); pixel_weights N x H x W float
// (e.g. U-Net boundary weights) or undefined. Mean over the valid pixels of the weighted
// cross-entropy, plus the region term. Returns 0 (with a gradient path) when no pixel is valid.
torch::Tensor segmentation_loss(const torch::Tensor& logits, const torch::Tensor& labels,
                                const LossOptions& options,
                                const torch::Tensor& pixel_weights = {});

// Soft Dice loss (1 - mean over classes present of the Dice coefficient) on softmax output.
torch::Tensor dice_loss(const torch::Tensor& probabilities, const torch::Tensor& labels);

// Lovasz-softmax (Berman et al. 2018), classes present in the batch, pixels pooled.
torch::Tensor lovasz_softmax_loss(const torch::Tensor& probabilities, const torch::Tensor& labels);

// lambda * sum of squared convolution weights (4-D parameters named "weight") of `module`.
torch::Tensor l2_penalty(const torch::nn::Module& module, double lambda);

}  // namespace xnet
