// Loss terms on hand-made tensors with known values, and the loss falling on a tiny set.
#include <gtest/gtest.h>

#include <cmath>

#include <torch/torch.h>

#include "train/boundary_weights.hpp"
#include "train/loss.hpp"
#include "train/optimizer.hpp"

using namespace xnet;

TEST(Loss, UniformLogitsGiveLogClassesAndIgnoreIsLeftOut) {
  const auto logits = torch::zeros({1, 3, 2, 2});
  const auto labels = torch::tensor({0, 1, 2, 255}, torch::kLong).reshape({1, 2, 2});
  LossOptions o;
  EXPECT_NEAR(segmentation_loss(logits, labels, o).item<double>(), std::log(3.0), 1e-6);
  // A confident right answer on the ignored pixel must change nothing; a wrong one neither.
  auto l2 = logits.clone();
  l2.index_put_({0, 0, 1, 1}, 50.0);
  EXPECT_NEAR(segmentation_loss(l2, labels, o).item<double>(), std::log(3.0), 1e-6);
}

TEST(Loss, ClassWeightsScaleTheirPixels) {
  auto logits = torch::zeros({1, 3, 1, 2});
  logits.index_put_({0, 0, 0, 0}, 10.0);  // pixel 0 (label 0) nearly certain: loss ~0
  const auto labels = torch::tensor({0, 2}, torch::kLong).reshape({1, 1, 2});
  LossOptions o;
  o.class_weights = {1.0, 1.0, 4.0};
  const double ce_bone = std::log(3.0);
  EXPECT_NEAR(segmentation_loss(logits, labels, o).item<double>(), (4.0 * ce_bone) / 2.0, 1e-3);
  o.class_weights = {1.0, 1.0};
  EXPECT_THROW(segmentation_loss(logits, labels, o), std::exception);
}

TEST(Loss, RegionTermsAreZeroForPerfectPredictions) {
  const auto labels = torch::tensor({0, 1, 2, 255, 1, 0}, torch::kLong).reshape({1, 2, 3});
  const auto p = torch::one_hot(labels.masked_fill(labels.eq(255), 0), 3).permute({0, 3, 1, 2}).to(torch::kFloat);
  EXPECT_NEAR(dice_loss(p, labels).item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(lovasz_softmax_loss(p, labels).item<double>(), 0.0, 1e-6);
  // Uniform probabilities: Lovasz of a single class with all errors 2/3 is 2/3.
  const auto u = torch::full({1, 3, 2, 3}, 1.0 / 3.0);
  const auto all_zero = torch::zeros({1, 2, 3}, torch::kLong);
  EXPECT_NEAR(lovasz_softmax_loss(u, all_zero).item<double>(), 2.0 / 3.0, 1e-5);
  EXPECT_GT(dice_loss(u, labels).item<double>(), 0.3);
}

TEST(Loss, L2PenaltyCountsConvolutionWeightsOnly) {
  torch::nn::Sequential net(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 2, 3)),
                            torch::nn::BatchNorm2d(2));
  torch::NoGradGuard no_grad;
  for (auto& p : net->parameters()) p.fill_(1.0);
  // 2*1*3*3 = 18 conv weights of 1 (biases and batch norm left out).
  EXPECT_NEAR(l2_penalty(*net, 5e-4).item<double>(), 18 * 5e-4, 1e-9);
}

TEST(Loss, BoundaryWeightsPeakAtTheBoundary) {
  cv::Mat labels(8, 32, CV_8U, cv::Scalar(0));
  labels.colRange(16, 32).setTo(2);
  const cv::Mat w = boundary_weights(labels, 10.0, 2.0);
  EXPECT_NEAR(w.at<float>(4, 15), 11.0f, 1e-4);
  EXPECT_NEAR(w.at<float>(4, 16), 11.0f, 1e-4);
  EXPECT_NEAR(w.at<float>(4, 13), 1.0 + 10.0 * std::exp(-4.0 / 8.0), 1e-3);
  EXPECT_LT(w.at<float>(4, 0), 1.01f);
  const cv::Mat flat = boundary_weights(cv::Mat(4, 4, CV_8U, cv::Scalar(1)), 10.0, 2.0);
  EXPECT_EQ(cv::countNonZero(flat != 1.0f), 0);
}

TEST(Loss, FallsOnATinySet) {
  torch::manual_seed(0);
  // Label = intensity band: a 1x1 head over two small convolutions can learn it.
  const auto images = torch::rand({4, 1, 32, 32});
  const auto labels = (images.squeeze(1) * 3).floor().clamp(0, 2).to(torch::kLong);
  torch::nn::Sequential net(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 4, 3).padding(1)),
                            torch::nn::ReLU(), torch::nn::Conv2d(torch::nn::Conv2dOptions(4, 3, 1)));
  for (const char* name : {"adam", "rmsprop", "sgd"}) {
    torch::manual_seed(1);
    for (auto& m : net->modules(false)) m->apply([](torch::nn::Module& mod) {
      if (auto* c = mod.as<torch::nn::Conv2d>()) c->reset_parameters();
    });
    auto optimizer = make_optimizer({name, std::string(name) == "rmsprop" ? 1e-2 : (std::string(name) == "sgd" ? 0.1 : 3e-2)}, net->parameters());
    LossOptions o;
    o.region_term = "dice";
    double first = 0, last = 0;
    for (int step = 0; step < 60; ++step) {
      optimizer->zero_grad();
      auto loss = segmentation_loss(net->forward(images), labels, o) + l2_penalty(*net, o.l2);
      loss.backward();
      optimizer->step();
      (step == 0 ? first : last) = loss.item<double>();
    }
    EXPECT_LT(last, 0.7 * first) << name << " " << first << " -> " << last;
  }
}
