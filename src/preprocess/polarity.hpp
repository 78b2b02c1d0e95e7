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

// Who decided a radiograph's polarity (predict's JSON "polarity_source").
enum class PolaritySource { option, dicom, pixels };

struct PolarityDecision {
  Polarity polarity = Polarity::raw;
  PolaritySource source = PolaritySource::pixels;
};

// The polarity of one radiograph, in this order (input-safety issue):
//  1. `requested` (--polarity raw|display);
//  2. the file's metadata (polarity_from_metadata);
//  3. the pixels (detect_polarity_of_pixels). Never the bit depth: a 16-bit PNG of a display
//     image and an 8-bit export of detector data are both common.
PolarityDecision decide_polarity(const std::optional<Polarity>& requested, const Radiograph& radiograph);

// What a DICOM file states: For Processing (Presentation Intent Type or the SOP class) is
// raw detector data, For Presentation (a DX, mammography or intra-oral image processed for
// viewing, the usual clinical radiograph) is display. The photometric interpretation and the
// sign of the rescale slope say how the stored values are shown, not whether they were
// processed; the reader has applied both (io/dicom.hpp), so the pixels are in on-screen
// orientation and a MONOCHROME1 copy of an image decides like its original. Files that state
// no intent (CR, secondary capture, other formats): nullopt.
std::optional<Polarity> polarity_from_metadata(const Radiograph& radiograph);

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

// "raw" / "display"; "option" / "dicom" / "pixels".
std::string to_string(Polarity polarity);
std::string to_string(PolaritySource source);

// What --polarity accepts: "auto" (nullopt: detect), "raw" or "display"; a UsageError
// naming the accepted words otherwise.
std::optional<Polarity> parse_polarity(const std::string& text);

}  // namespace xnet
