#pragma once
// DICOM radiographs through DCMTK: reading (uncompressed, JPEG, JPEG-LS and RLE transfer
// syntaxes; Modality LUT or rescale applied; MONOCHROME1 turned to MONOCHROME2 orientation)
// and a small writer for test data and acceptance datasets.
#include <array>
#include <filesystem>
#include <optional>
#include <vector>

#include <opencv2/core.hpp>

#include "io/radiograph.hpp"

namespace xnet {

// True for a `.dcm` extension, or a file of any name with the 'DICM' marker at byte 128.
bool is_dicom_file(const std::filesystem::path& file);

// The first frame of a DICOM file as a Radiograph, with its presentation intent. Throws
// xnet::Error naming the file, also when Rows x Columns exceeds the limit (before DCMTK
// allocates), when native pixel data is shorter than its frames, and for a rescale slope or
// intercept that is not finite.
Radiograph read_dicom(const std::filesystem::path& file, const ReadLimits& limits = {});

// Writes a single-frame gray DICOM (Explicit VR Little Endian) atomically. `stored` is CV_16UC1
// (PixelRepresentation 0) or CV_16SC1 (PixelRepresentation 1); `photometric` must be
// monochrome1 or monochrome2; values outside bits_stored are an error. With an intent it is a
// Digital X-Ray image of that SOP class with its Presentation Intent Type, as DX modalities
// write them; without, secondary capture.
void write_dicom(const std::filesystem::path& file, const cv::Mat& stored, Photometric photometric,
                 double rescale_slope = 1.0, double rescale_intercept = 0.0,
                 std::optional<std::array<double, 2>> pixel_spacing_mm = std::nullopt,
                 int bits_stored = 16, PresentationIntent intent = PresentationIntent::unknown);

// Writes to `tmp` a copy of the DICOM file `source` that records the collimator as modalities
// do: the Display Shutter module (PS3.3 C.7.6.11), ShutterShape POLYGONAL with `polygon`
// (pixel coordinates, x right, y down, pixel centres at integers) as its vertices, 1-based
// row\column pairs. The copy is a new object of the same series: new SOP Instance UID, the
// pixel data untouched in its transfer syntax. Errors name `named` (the final path).
void write_dicom_with_shutter(const std::filesystem::path& source, const std::filesystem::path& tmp,
                              const std::vector<cv::Point2f>& polygon, const std::filesystem::path& named);

}  // namespace xnet
