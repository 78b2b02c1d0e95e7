#pragma once
// `xnet robustness`: the network against the classical baseline on images made worse in two
// ways the original work's claims name (reference.md: "more robust to noise", "smooth
// connected boundaries"):
//  - noise: quantum noise of a lower dose, the data's own dose scaled by `doses` (1: as it
//    is). Raw images get signal-dependent noise (Poisson: variance = gain x signal, the gain
//    estimated from the image itself); display images, already log-like, additive noise of
//    the image's own estimated level. Added noise variance: own x (1/dose - 1).
//  - blur: Gaussian, sigma in pixels of a 512-pixel short side (scaled to the image).
// Per level and method: the metrics, connected components per class per image, and the
// boundary length against the truth's (both 1 for a segmentation as smooth as the truth).
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "baseline/classical_segmentation.hpp"
#include "data/dataset.hpp"
#include "evaluation/evaluation.hpp"

namespace xnet {

struct RobustnessOptions {
  std::vector<double> doses = {1.0, 0.5, 0.35, 0.25};  // down to a quarter of the data's
  std::vector<double> blurs = {1.0, 2.0, 4.0};         // beside the undegraded level
  ClassicalOptions baseline;
  bool show_progress = true;
};

// The noise standard deviation of a radiograph's pixels, by the median absolute deviation
// of a 3x3 high-pass (Donoho 1995), per unit signal^(1/2) when `signal_dependent` (Poisson:
// sigma = k sqrt(I)), else absolute.
double estimated_noise(const cv::Mat& pixels, bool signal_dependent);

// `pixels` at a dose `dose` times their own (noise as above), clamped to [low, high];
// `seed` makes it repeatable. `own`: their estimated_noise, when the caller has it already.
cv::Mat at_lower_dose(const cv::Mat& pixels, double dose, bool raw, double low, double high, unsigned seed,
                      std::optional<double> own = std::nullopt);

// Connected components (8-connected) of each class 0..classes-1 in a label map.
std::vector<int> components_per_class(const cv::Mat& labels, int classes);
// Edges between 4-neighbours of different labels, counting only pairs where `counted` is set.
double boundary_length(const cv::Mat& labels, const cv::Mat& counted);

// Runs both methods over `samples` at every level; robustness.json's object.
nlohmann::json measure_robustness(const SegmentFunction& model, const std::vector<Sample>& samples,
                                  const RobustnessOptions& options);

}  // namespace xnet
