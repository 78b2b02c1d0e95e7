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

// The image-based method. Anatomy in a radiograph is made of closed blobs (limbs, fingers,
// every bone inside them) that attenuate more than what surrounds them: dark blobs in a raw
// image, bright blobs in a display image. Their sign is read from the isophote curvature:
//  1. shrink to at most 256 px (area averaging also averages the noise away), smooth at 2 px;
//  2. add up I_tt, the second derivative along the isophotes (= curvature x gradient), over
//     pixels whose gradient is above 1 % of the robust range per pixel; each closed
//     isophote adds its total curvature, 2 pi, times the contrast it spans, with the sign of
//     the blob: a bright blob gives a negative sum, a dark blob a positive one;
//  3. positive: raw, negative: display.
// Straight edges (collimator blades, anatomy leaving the frame) add about nothing, so a
// collimator does not sway the vote; noise and trabecular texture are smoothed away. It is
// independent of bit depth, exposure and histogram shape. A field collimated on all four
// sides is a bright polygon whose corners vote display in a raw image; the many blobs of the
// anatomy outvote them unless the anatomy is nearly featureless. A flat image is display.
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
