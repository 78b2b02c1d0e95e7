#include "model/torch_engine.hpp"

#include <utility>

#include "model/model_file.hpp"
#include "model/runtime.hpp"

namespace xnet::model {
namespace {

// N x C x H x W (N = 1) -> C maps.
std::vector<cv::Mat> to_maps(const torch::Tensor& t) {
  const auto cpu = t.to(torch::kCPU, torch::kFloat).contiguous();
  const int classes = static_cast<int>(cpu.size(1)), h = static_cast<int>(cpu.size(2)),
            w = static_cast<int>(cpu.size(3));
  std::vector<cv::Mat> maps;
  for (int c = 0; c < classes; ++c)
    maps.push_back(cv::Mat(h, w, CV_32F, cpu[0][c].data_ptr<float>()).clone());
  return maps;
}

class TorchEngine final : public engine::LogitsEngine {
 public:
  TorchEngine(const std::filesystem::path& model_file, const engine::EngineOptions& options,
              engine::EngineChoice choice)
      : choice_(std::move(choice)) {
    configure_threads(options.threads);  // 0 = all cores, resolved there
    InferenceOptions inference;
    inference.device = select_device(choice_.device);
    choice_.device = inference.device.is_cuda() ? "cuda" : "cpu";
    inference.bfloat16 = choice_.precision == engine::Precision::bf16;
    inference.winograd = choice_.winograd;
    auto loaded = load_model(model_file);
    model_ = std::move(loaded.meta);
    // The loaded network is folded in place: copying 11.7 M parameters into a freshly
    // initialised network cost ~0.2 s of every predict's start.
    engine_ = std::make_unique<InferenceEngine>(std::move(loaded.net), inference);
  }

  const engine::ModelFile& model() const override { return model_; }
  const engine::EngineChoice& choice() const override { return choice_; }
  void use_threads(int threads) const override { set_intra_op_threads(threads); }

  std::vector<cv::Mat> logits(const cv::Mat& input) const override {
    CV_Assert(input.type() == CV_32FC1 && input.isContinuous());
    torch::NoGradGuard no_grad;
    const auto batch = torch::from_blob(input.data, {1, 1, input.rows, input.cols}, torch::kFloat);
    return to_maps(engine_->logits(batch));
  }

 private:
  engine::EngineChoice choice_;
  engine::ModelFile model_;
  std::unique_ptr<InferenceEngine> engine_;
};

}  // namespace

std::unique_ptr<engine::LogitsEngine> torch_engine(const std::filesystem::path& model_file,
                                                   const engine::EngineOptions& options,
                                                   const engine::EngineChoice& choice) {
  return std::make_unique<TorchEngine>(model_file, options, choice);
}

bool torch_sees_cuda() { return torch::cuda::is_available(); }

void provide_torch_engine() { engine::provide_libtorch(&torch_engine, &torch_sees_cuda); }

}  // namespace xnet::model
