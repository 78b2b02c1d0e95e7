#pragma once
// Intensity augmentation of canonical images.
//
// Why in the canonical domain: the network sees canonical intensities (attenuation-like,
// bone bright, 0..1) whatever the polarity of the file, so raw and display images of the same
// anatomy already look alike (preprocess/preprocessing.hpp). What still tells them apart is
// what display processing does on top of the log: a window (clipping and a different level
// and width), a tone curve, edge enhancement (unsharp masking), different noise (Poisson noise
// that grows with attenuation in raw images, quantisation in 8-bit files) and, in some
// archives, the background removed to black. Rendering a raw image from a display one is
// impossible (the processing is unknown and lossy), so instead each of those differences is
// randomised here: window level and width, gamma, unsharp masking, signal-dependent noise,
// background removal. A model trained on mixed polarities with these then serves both.
// Inverting the canonical image is deliberately not an augmentation: bone bright is what the
// canonical representation guarantees, and inverted samples would teach the network to
// confuse bone with open beam.
#include <random>

#include <opencv2/core.hpp>

#include "augment/augment_options.hpp"

namespace xnet {

// Changes image (CV_32FC1, 0..1) in place; labels (CV_8UC1) say where the open beam is for
// background removal. The result stays in 0..1.
void augment_intensity(cv::Mat& image, const cv::Mat& labels, const AugmentOptions& options,
                       std::mt19937& rng);

}  // namespace xnet
