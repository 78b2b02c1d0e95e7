#include "train/adaptation.hpp"

#include <torch/torch.h>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "io/radiograph.hpp"
#include "model/model_file.hpp"
#include "model/runtime.hpp"
#include "preprocess/polarity.hpp"
#include "preprocess/preprocessing.hpp"

namespace xnet {

namespace fs = std::filesystem;

AdaptSummary adapt_batch_norm(const fs::path& model_file, const std::vector<fs::path>& images,
                              const fs::path& out, const AdaptOptions& options) {
  if (images.empty()) throw UsageError("adapt: no radiographs to adapt on");
  model::configure_threads(options.threads);
  auto loaded = model::load_model(model_file);
  const Preprocessing preprocessing = model_preprocessing(loaded.meta.preprocessing, loaded.meta.input_size);
  const auto requested = parse_polarity(options.polarity);

  AdaptSummary summary;
  std::vector<torch::Tensor> inputs;
  Progress reading("reading", images.size());
  for (const fs::path& file : images) {
    const Radiograph r = read_radiograph(file);
    const Polarity polarity = decide_polarity(requested, r).polarity;
    const cv::Mat input = network_input(r, polarity, preprocessing, normalisation_field(r, polarity, preprocessing));
    for (const cv::Rect& w : network_windows(input.size())) {
      const cv::Mat window = input(w).clone();
      inputs.push_back(torch::from_blob(const_cast<float*>(window.ptr<float>()),
                                        {1, 1, window.rows, window.cols}, torch::kFloat).clone());
    }
    ++summary.images;
    reading.advance();
  }
  reading.finish();
  summary.windows = inputs.size();

  // A cumulative average over all batches (momentum none) instead of the exponential one
  // training keeps, so every radiograph counts alike.
  for (const auto& module : loaded.net->modules(/*include_self=*/false))
    if (auto* norm = module->as<torch::nn::BatchNorm2dImpl>()) {
      norm->reset_running_stats();
      norm->options.momentum(c10::nullopt);
      ++summary.layers;
    }
  if (summary.layers == 0) throw file_error(model_file, "has no batch-norm layer to adapt");
  {
    torch::NoGradGuard no_grad;
    loaded.net->train();
    const std::size_t batch = static_cast<std::size_t>(std::max(1, options.batch_size));
    Progress adapting("adapting", (inputs.size() + batch - 1) / batch);
    for (std::size_t first = 0; first < inputs.size(); first += batch) {
      const std::vector<torch::Tensor> part(inputs.begin() + first,
                                            inputs.begin() + std::min(inputs.size(), first + batch));
      loaded.net->forward(torch::cat(part));
      adapting.advance();
    }
    adapting.finish();
    loaded.net->eval();
  }
  for (const auto& module : loaded.net->modules(false))
    if (auto* norm = module->as<torch::nn::BatchNorm2dImpl>()) norm->options.momentum(0.1);

  auto& provenance = loaded.meta.provenance;
  const nlohmann::json before = provenance;
  provenance = {{"command", "xnet adapt"},
                {"method", "AdaBN: batch-norm statistics re-estimated, weights unchanged"},
                {"images", summary.images},
                {"windows", summary.windows},
                {"polarity", options.polarity},
                {"adapted_from", before}};
  model::save_model(out, loaded.meta, *loaded.net);
  return summary;
}

}  // namespace xnet
