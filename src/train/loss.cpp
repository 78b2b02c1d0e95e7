#include "train/loss.hpp"

#include "core/error.hpp"
#include "core/labels.hpp"

namespace xnet {

namespace {

// valid pixels (N*H*W bool) and labels with ignore replaced by 0 so that one_hot works.
std::pair<torch::Tensor, torch::Tensor> valid_and_safe(const torch::Tensor& labels) {
  const auto valid = labels.ne(label::ignore);
  return {valid, labels.masked_fill(valid.logical_not(), 0)};
}

// P x C probabilities and P labels of the valid pixels only.
std::pair<torch::Tensor, torch::Tensor> valid_pixels(const torch::Tensor& probabilities,
                                                     const torch::Tensor& labels) {
  const int64_t c = probabilities.size(1);
  const auto flat_p = probabilities.permute({0, 2, 3, 1}).reshape({-1, c});
  const auto flat_l = labels.reshape({-1});
  const auto keep = flat_l.ne(label::ignore).nonzero().squeeze(1);
  return {flat_p.index_select(0, keep), flat_l.index_select(0, keep)};
}

}  // namespace

torch::Tensor segmentation_loss(const torch::Tensor& logits, const torch::Tensor& labels,
                                const LossOptions& options, const torch::Tensor& pixel_weights) {
  const int64_t classes = logits.size(1);
  const auto [valid, safe] = valid_and_safe(labels);
  const auto log_p = torch::log_softmax(logits, 1);
  auto nll = -log_p.gather(1, safe.unsqueeze(1)).squeeze(1);  // N x H x W
  auto weight = valid.to(logits.dtype());
  if (!options.class_weights.empty()) {
    if (static_cast<int64_t>(options.class_weights.size()) != classes)
      throw Error("--class-weights: " + std::to_string(options.class_weights.size()) +
                  " weights for " + std::to_string(classes) + " classes");
    const auto w = torch::tensor(options.class_weights, logits.options());
    weight = weight * w.index_select(0, safe.reshape({-1})).reshape(safe.sizes());
  }
  if (pixel_weights.defined()) weight = weight * pixel_weights;
  // Normalise by the valid pixel count (not the weight sum), so weights raise the importance
  // of their pixels rather than just rescaling the whole loss.
  const auto count = valid.sum().clamp_min(1).to(logits.dtype());
  auto loss = (nll * weight).sum() / count;
  if (options.region_term != "none") {
    const auto p = torch::softmax(logits, 1);
    if (options.region_term == "dice")
      loss = loss + options.region_weight * dice_loss(p, labels);
    else if (options.region_term == "lovasz")
      loss = loss + options.region_weight * lovasz_softmax_loss(p, labels);
    else
      throw UsageError("unknown region loss '" + options.region_term + "' (none, dice, lovasz)");
  }
  return loss;
}

torch::Tensor dice_loss(const torch::Tensor& probabilities, const torch::Tensor& labels) {
  const auto [p, l] = valid_pixels(probabilities, labels);
  const int64_t c = probabilities.size(1);
  if (l.numel() == 0) return probabilities.sum() * 0;
  const auto y = torch::one_hot(l, c).to(p.dtype());
  const auto present = y.sum(0).gt(0);
  const auto inter = (p * y).sum(0);
  const auto total = p.sum(0) + y.sum(0);
  const auto dice = (2 * inter + 1) / (total + 1);  // +1: smooth, defined for empty classes
  return 1 - dice.masked_select(present).mean();
}

torch::Tensor lovasz_softmax_loss(const torch::Tensor& probabilities, const torch::Tensor& labels) {
  const auto [p, l] = valid_pixels(probabilities, labels);
  const int64_t c = probabilities.size(1);
  std::vector<torch::Tensor> per_class;
  for (int64_t k = 0; k < c; ++k) {
    const auto fg = l.eq(k).to(p.dtype());
    if (fg.sum().item<double>() == 0) continue;
    const auto errors = (fg - p.select(1, k)).abs();
    const auto sorted = errors.sort(0, /*descending=*/true);
    const auto order = std::get<1>(sorted);
    const auto fg_sorted = fg.index_select(0, order);
    // Gradient of the Lovasz extension of the Jaccard loss at the sorted errors.
    const auto gts = fg_sorted.sum();
    const auto intersection = gts - fg_sorted.cumsum(0);
    const auto union_ = gts + (1 - fg_sorted).cumsum(0);
    auto jaccard = 1 - intersection / union_;
    if (jaccard.numel() > 1)
      jaccard = torch::cat({jaccard.slice(0, 0, 1), jaccard.slice(0, 1) - jaccard.slice(0, 0, -1)});
    per_class.push_back(torch::dot(std::get<0>(sorted), jaccard));
  }
  if (per_class.empty()) return probabilities.sum() * 0;
  return torch::stack(per_class).mean();
}

torch::Tensor l2_penalty(const torch::nn::Module& module, double lambda) {
  torch::Tensor sum;
  for (const auto& item : module.named_parameters(/*recurse=*/true)) {
    const auto& w = item.value();
    const auto& name = item.key();
    if (w.dim() != 4 || name.size() < 6 || name.compare(name.size() - 6, 6, "weight") != 0) continue;
    const auto s = w.pow(2).sum();
    sum = sum.defined() ? sum + s : s;
  }
  if (!sum.defined()) return torch::zeros({});
  return lambda * sum;
}

}  // namespace xnet
