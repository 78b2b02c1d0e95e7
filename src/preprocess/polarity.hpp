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

// The image-based method, from the values alone (no bit depth, no absolute scale: the image
// is shrunk to at most 256 px and scaled by its 0.1..99.9 percentile range). A radiograph is
// centred on the anatomy, and what lies along the edges of the exposed field is what
// attenuates least: open beam around the body, the thin skin side of a limb, the soft tissue
// round a joint. That is the brightest part of a raw image and the darkest of a display one
// (its background, black or dark). So:
//  1. find the exposed field: blade edges are long straight edges with one sign of step
//     along them and everything behind them beyond that step (see exposed_field.hpp); the
//     collimator is the exception to "the edge attenuates least" (darkest in raw, brightest
//     or black in display), so it is left out, with a 4 px margin;
//  2. compare the mean of a 6 px band along the field's edge (the blades and the image
//     border) with the mean of the whole field;
//  3. brighter along the edge: raw; darker (or equal): display.
// Measured (see the commit message / polarity_lab): about 87-89 % of xnet synth images right
// at 8, 12 and 16 bits, every real display image in the shared dev folders except 3 of 16
// mammograms (breast on the chest-wall edge). The field estimate is the weak step: straight
// limb edges taken for blades, and blades missed, cause most of the errors.
// (The previous cue, the sign of the isophote curvature, i.e. "anatomy is made of
// attenuating blobs", was right on 68 % of display and 30 % of raw synthetic images and on
// none of the chest radiographs: the field's corners, lungs and collimated bands outvote it.)
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
