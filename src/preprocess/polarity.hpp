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

// "raw" / "display"; "option" / "dicom" / "pixels".
std::string to_string(Polarity polarity);
std::string to_string(PolaritySource source);

// What --polarity accepts: "auto" (nullopt: detect), "raw" or "display"; a UsageError
// naming the accepted words otherwise.
std::optional<Polarity> parse_polarity(const std::string& text);

}  // namespace xnet
