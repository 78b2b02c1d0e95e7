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

// The image-based method, from the values alone (no bit depth, no absolute scale): a
// small neural network (5 averaged, 8 tanh units each) on the cues of polarity_cues.hpp, on
// the image shrunk to at most 256 px and scaled by its 0.1..99.9 percentile range. What the
// cues see:
//  - saturation: a display image is windowed on the anatomy and what lies beyond the window
//    (bone peaks, the collimator) is clipped to white; a detector's raw signal stays below
//    full scale, unless it clipped the open beam, which then fills the band along the field;
//  - the field's edge: what lies along the exposed field's edge attenuates least (open beam
//    round the body, the skin side of a limb), the brightest part of a raw image and the
//    darkest of a display one; judged along the blade finder's field and along the fields
//    CollimatorDetector finds under each hypothesis;
//  - how brightness runs from the image's border inwards, and the histogram's shape (open
//    beam beside anatomy: a bright peak in raw images, a dark one in display images);
//  - compact structures (bone, dense glands, cortex) brighter than their surroundings in a
//    display image and darker in a raw one, by white against black top-hats at three sizes;
//  - the collimated border beyond the blades: dark in a raw image, white or blanked black and
//    flat in a display one.
// The weights were fitted on synthetic images only (lab/fit_polarity.py on polarity_lab cues,
// seeds 31-40 and 46-49). Measured on 1200 held-out synthetic images (seeds 41-45, every
// category, 256, 384 and 512 px; each saved at 8, 12 and 16 bits): display 98.8 % of 1779
// copies (97.4-98.2 % at 256 px, 99.2-100 % at 384 and 512 px), raw 98.2 % of 1821 (97.4-98.6 %
// at 256 and 384 px, 99.7 % at 512 px, xnet synth's default), raw with the open beam clipped at
// full scale 95.7 %; the real display radiographs of the shared data 188 of 188. (Before the
// top-hat and border cues: display 96.4-99.2 %, raw 96.1-96.6 % on seeds 41-42; the hand-set
// rules before that: raw 83 %.) Display errors weigh 3:1 in the fit: raw data mostly arrives
// as DICOM For Processing, which the metadata decides.
Polarity detect_polarity_of_pixels(const cv::Mat& pixels);

// "raw" / "display"; "option" / "dicom" / "pixels".
std::string to_string(Polarity polarity);
std::string to_string(PolaritySource source);

// What --polarity accepts: "auto" (nullopt: detect), "raw" or "display"; a UsageError
// naming the accepted words otherwise.
std::optional<Polarity> parse_polarity(const std::string& text);

}  // namespace xnet
