// DICOM Segmentation objects written for a source image: its plane's geometry when it lies in a
// Frame of Reference, none when it does not, and masks that do not fit it refused by name.
// (What the frames hold is checked end to end in predict's tests.)
#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include "io/dicom.hpp"
#include "io/dicom_segmentation.hpp"
#include "io/test/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace xnet;

namespace {

std::vector<SegmentDescription> two_segments(cv::Size size) {
  cv::Mat left(size, CV_8U, cv::Scalar(0)), right;
  left.colRange(0, size.width / 2).setTo(1);
  right = left == 0;
  return {{"left", {"85756007", "SCT", "Tissue"}, {"87784001", "SCT", "Soft tissue"}, {0, 230, 255}, left},
          {"right", {"85756007", "SCT", "Tissue"}, {"3138006", "SCT", "Bone"}, {255, 90, 0}, right}};
}

std::string text(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

// The item of the SEG's shared functional groups holding `sequence`, or nullptr.
DcmItem* shared_group(DcmDataset& seg, const DcmTagKey& sequence) {
  DcmItem *shared = nullptr, *group = nullptr;
  if (seg.findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, shared).bad()) return nullptr;
  return shared->findAndGetSequenceItem(sequence, group).good() ? group : nullptr;
}

}  // namespace

TEST(DicomSegmentation, ASliceInAFrameOfReferenceGivesItsPlane) {
  const fs::path dir = test::scratch_dir();
  write_dicom(dir / "slice.dcm", cv::Mat(6, 10, CV_16U, cv::Scalar(100)), Photometric::monochrome2, 1, 0,
              std::array<double, 2>{0.5, 0.7});
  DcmFileFormat slice;
  ASSERT_TRUE(slice.loadFile((dir / "slice.dcm").c_str()).good());
  DcmDataset& ds = *slice.getDataset();
  ds.putAndInsertString(DCM_FrameOfReferenceUID, "1.2.3.4.5");
  ds.putAndInsertString(DCM_ImagePositionPatient, "-10\\20.5\\3");
  ds.putAndInsertString(DCM_ImageOrientationPatient, "1\\0\\0\\0\\1\\0");
  ds.putAndInsertString(DCM_SliceThickness, "2.5");
  ASSERT_TRUE(slice.saveFile((dir / "slice.dcm").c_str()).good());

  write_dicom_segmentation(dir / "slice.dcm", dir / "seg.dcm", two_segments({10, 6}), {"xnet", "1.2", ""},
                           dir / "seg.dcm");
  DcmFileFormat written;
  ASSERT_TRUE(written.loadFile((dir / "seg.dcm").c_str()).good());
  DcmDataset& seg = *written.getDataset();
  EXPECT_EQ(text(seg, DCM_FrameOfReferenceUID), "1.2.3.4.5");
  DcmItem* position = shared_group(seg, DCM_PlanePositionSequence);
  DcmItem* orientation = shared_group(seg, DCM_PlaneOrientationSequence);
  DcmItem* measures = shared_group(seg, DCM_PixelMeasuresSequence);
  ASSERT_TRUE(position && orientation && measures);
  EXPECT_EQ(text(*position, DCM_ImagePositionPatient), "-10\\20.5\\3");
  EXPECT_EQ(text(*orientation, DCM_ImageOrientationPatient), "1\\0\\0\\0\\1\\0");
  EXPECT_EQ(text(*measures, DCM_SliceThickness), "2.5");
  EXPECT_FALSE(text(*measures, DCM_PixelSpacing).empty());
  Uint16 rows = 0, columns = 0;
  seg.findAndGetUint16(DCM_Rows, rows);
  seg.findAndGetUint16(DCM_Columns, columns);
  EXPECT_EQ(rows, 6);
  EXPECT_EQ(columns, 10);
  fs::remove_all(dir);
}

TEST(DicomSegmentation, AProjectionRadiographHasNoPlaneAndNoFrameOfReference) {
  const fs::path dir = test::scratch_dir();
  write_dicom(dir / "dx.dcm", cv::Mat(6, 10, CV_16U, cv::Scalar(100)), Photometric::monochrome2);
  write_dicom_segmentation(dir / "dx.dcm", dir / "seg.dcm", two_segments({10, 6}), {"xnet", "1.2", ""},
                           dir / "seg.dcm");
  DcmFileFormat written;
  ASSERT_TRUE(written.loadFile((dir / "seg.dcm").c_str()).good());
  DcmDataset& seg = *written.getDataset();
  EXPECT_TRUE(text(seg, DCM_FrameOfReferenceUID).empty());
  EXPECT_EQ(shared_group(seg, DCM_PlanePositionSequence), nullptr);
  EXPECT_NE(shared_group(seg, DCM_DerivationImageSequence), nullptr);
  fs::remove_all(dir);
}

TEST(DicomSegmentation, AMaskOfAnotherSizeIsRefusedByName) {
  const fs::path dir = test::scratch_dir();
  write_dicom(dir / "dx.dcm", cv::Mat(6, 10, CV_16U, cv::Scalar(100)), Photometric::monochrome2);
  const std::string e = test::error_of([&] {
    write_dicom_segmentation(dir / "dx.dcm", dir / "tmp.dcm", two_segments({9, 6}), {"xnet", "1.2", ""},
                             dir / "dx_seg.dcm");
  });
  EXPECT_NE(e.find("dx_seg.dcm: segment 'left' is not a 10x6"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(dir / "tmp.dcm"));
  fs::remove_all(dir);
}
