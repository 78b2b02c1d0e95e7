#pragma once
// A segmentation of a DICOM radiograph as a DICOM Segmentation object (PS3.3 A.51, written
// with DCMTK's dcmseg), the form PACS, OHIF and 3D Slicer read segmentations in: binary, one
// frame per segment, on the source image's pixel grid, of the source's patient and study in a
// series of its own, each frame deriving from the source image.
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace xnet {

// A coded concept (PS3.3 Code Sequence Macro): value, coding scheme, meaning.
struct DicomCode {
  std::string value, scheme, meaning;
};

struct SegmentDescription {
  std::string label;      // Segment Label, e.g. "bone"
  DicomCode category;     // Segmented Property Category (PS3.16 CID 7150)
  DicomCode type;         // Segmented Property Type (PS3.16 CID 7151)
  cv::Vec3b display_bgr;  // recommended display colour, stored as CIELab
  cv::Mat mask;           // CV_8U, the source's Rows x Columns; nonzero = in the segment
};

// Who made the segmentation (Segmentation Algorithm Identification, General Equipment).
struct SegmentationAlgorithm {
  std::string name = "xnet";
  std::string version;     // xnet's version
  std::string parameters;  // the model and how it was made, one line
};

// Writes to `tmp` the segmentation of the DICOM file `source`. Errors (an unreadable source,
// a mask of another size, DCMTK refusing the object) name `named`, the final path.
void write_dicom_segmentation(const std::filesystem::path& source, const std::filesystem::path& tmp,
                              const std::vector<SegmentDescription>& segments,
                              const SegmentationAlgorithm& algorithm, const std::filesystem::path& named);

}  // namespace xnet
