#pragma once
// What a processed clinical image looks like: log, window, contrast curve and edge
// enhancement, 8-bit, bone bright and open beam dark.
#include <utility>

#include <opencv2/core.hpp>

#include "synth/random.hpp"

namespace xnet::synth {

// processed: a digital system's processing (range compression, edge enhancement, window,
// gamma or sigmoid). film: a digitised film (film mammograms, older chest films): the film's
// characteristic curve on log exposure, no processing, film grain, sometimes a lead marker.
enum class DisplayStyle { processed, film };
struct DisplayLook {
  DisplayStyle style = DisplayStyle::processed;
  double window_margin = 0.0;  // processed: the window's bottom goes down by up to this share of its width
  // film: the anatomy quantile (a range to draw from) the exposure puts at mid density
  std::pair<double, double> film_anchor{0.05, 0.2};
};

// raw: detector values (CV_32F), field: CV_8U 1 inside the exposed field; offset: the
// detector's dark level. Returns CV_32F in 0..255 (integers).
cv::Mat render_display(const cv::Mat& raw, const cv::Mat& field, double offset, DisplayLook look,
                       Random& rng);

}  // namespace xnet::synth
