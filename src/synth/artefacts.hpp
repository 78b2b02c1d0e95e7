#pragma once
// What real radiographs carry besides the anatomy: things in the beam (anti-scatter grid
// lines, a stitching ruler, cassette seams) act on the raw signal; what the workstation adds
// (burned-in text, anonymisation boxes, JPEG) acts on display images. Sources and shares in
// docs/synth.md.
#include <opencv2/core.hpp>

#include "synth/random.hpp"

namespace xnet::synth {

// Raw detector values (CV_32F) with dark level `offset`, in place.
// A stationary anti-scatter grid's lead strips not fully blurred: fine parallel lines
// (period 2-4 px, 1-4 % deep) across the image, in `chance` of the images.
void add_grid_lines(cv::Mat& raw, double offset, double chance, Random& rng);

// A long-leg film stitched from 2-3 cassettes (35 x 43 cm each, overlapping): a brightness
// step between sections (each cassette's speed differs by up to +-12 %), a thin seam where
// their edges overlap, often a faint radio-opaque alignment grid, and a ruler with a tick a
// centimetre and numbers every 2 cm along one side. `pixel_mm`: pixel pitch.
void stitch_cassettes(cv::Mat& raw, double offset, double pixel_mm, Random& rng);

// Display images (CV_32F, 0..255) and their labels, in place: burned-in annotations and lead
// L/R markers (the labels keep what lies under their thin strokes: the geometry knows it and
// a model should see through them), black anonymisation boxes in corners (label 255: what
// they hide is gone), and JPEG compression of the whole image.
void add_workstation_marks(cv::Mat& display, cv::Mat& labels, Random& rng);

}  // namespace xnet::synth
