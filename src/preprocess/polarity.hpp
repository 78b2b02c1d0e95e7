#pragma once
// Which way round a radiograph's intensities are.
//   raw:     as a detector delivers it: open beam brightest, bone and collimator dark.
//   display: a processed clinical image: bone bright, open beam / background dark.
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "io/radiograph.hpp"

namespace xnet {

enum class Polarity { raw, display };

// Decides the polarity of a radiograph: 8-bit files are display, 12-16 bit integer files raw
// (detector data); other depths (float, unknown) from the pixels (detect_polarity_of_pixels).
//
// DICOM hints: the reader has already applied the photometric interpretation (MONOCHROME1 is
// turned to MONOCHROME2 orientation), so the pixels are in display orientation whatever the
// file said. MONOCHROME1 versus MONOCHROME2 says how to show the stored values, not whether
// they were processed, and a MONOCHROME1 copy of an image must give the same answer as the
// original; so it is not used as a verdict. (DICOM's Presentation Intent "FOR PROCESSING"
// would be a true hint; Radiograph does not carry it yet.)
Polarity detect_polarity(const Radiograph& radiograph);

// The image-based method, from the values alone (no bit depth, no absolute scale; cues in
// polarity_cues.hpp, measured with polarity_lab):
//  1. Saturation, evidence for display only: a display image is windowed on the anatomy and
//     what lies beyond the window (bone peaks, collimator) is clipped to white, so >= 0.2 %
//     of its pixels sit exactly at the maximum; a detector's raw signal stays below full
//     scale with its noise on it. Judged only when the image spans >= 200 grey levels
//     (coarser, a flat open beam can sit on one quantisation level). Absent saturation
//     says nothing (clinical images need not be clipped), so then:
//  2. the field-edge cue, on the image shrunk to at most 256 px and scaled by its 0.1..99.9
//     percentile range. What lies along the edges of the exposed field attenuates least:
//     open beam round the body, the skin side of a limb. That is the brightest part of a
//     raw image and the darkest of a display one. The exposed field is the image less what
//     lies behind the collimator blades (long straight one-signed steps with everything
//     behind them beyond the step, exposed_field.hpp), with a 4 px margin; the mean of a
//     6 px band along its edge above the field's mean: raw; else display.
// Measured (polarity_lab; the same at 8, 12, 16 bits and min-max stretched 8 bits):
// synthetic display 100 % (153 dev, 103 held-out images), raw 89.7 % (155 dev) and 97.2 %
// (106 held-out); real display folders all right except 3 of 16 mammograms (breast along
// the chest-wall edge, no clipping). The raw misses are the field-edge cue's: fields that
// are nearly all open beam (the band is dimmed by penumbra and scatter) and blades missed
// or straight limb edges taken for blades. The thresholds (0.2 %, 200 levels) were chosen
// on synthetic images of seeds 21-23 only.
Polarity detect_polarity_of_pixels(const cv::Mat& pixels);

// "raw" / "display".
std::string to_string(Polarity polarity);

// What --polarity accepts: "auto" (nullopt: detect), "raw" or "display"; a UsageError
// naming the accepted words otherwise.
std::optional<Polarity> parse_polarity(const std::string& text);

// Turns "auto|raw|display" into a polarity for one image, detecting it when "auto".
inline Polarity resolve_polarity(const std::optional<Polarity>& requested,
                                 const Radiograph& radiograph) {
  return requested ? *requested : detect_polarity(radiograph);
}

}  // namespace xnet
