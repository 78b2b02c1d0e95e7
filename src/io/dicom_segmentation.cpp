#include "io/dicom_segmentation.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>

#include <dcmtk/config/osconfig.h>  // must come first among DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmfg/fgfracon.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmfg/fgseg.h>
#include <dcmtk/dcmiod/iodreferences.h>
#include <dcmtk/dcmiod/iodrules.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>
#include <opencv2/imgproc.hpp>

#include "core/error.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

std::string text(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  item.findAndGetOFStringArray(tag, value);
  return value.c_str();
}

// Value `index` of a multi-valued attribute as its text (e.g. one coordinate of a DS).
OFString value_at(DcmItem& item, const DcmTagKey& tag, unsigned long index) {
  OFString value;
  item.findAndGetOFString(tag, value, index);
  return value;
}

CodeSequenceMacro coded(const DicomCode& code) {
  return CodeSequenceMacro(code.value.c_str(), code.scheme.c_str(), code.meaning.c_str());
}

// PS3.3 C.10.7.1.1: L in 0-100 and a, b in -128-127, each scaled to 0-65535.
void set_display_colour(DcmSegment& segment, const cv::Vec3b& bgr) {
  cv::Mat lab;
  cv::Mat(1, 1, CV_32FC3, cv::Scalar(bgr[0] / 255.0, bgr[1] / 255.0, bgr[2] / 255.0)).copyTo(lab);
  cv::cvtColor(lab, lab, cv::COLOR_BGR2Lab);
  const cv::Vec3f v = lab.at<cv::Vec3f>(0, 0);
  const auto scaled = [](double value, double low, double high) {
    return static_cast<Uint16>(std::lround(std::clamp((value - low) / (high - low), 0.0, 1.0) * 65535));
  };
  segment.setRecommendedDisplayCIELabValue(scaled(v[0], 0, 100), scaled(v[1], -128, 127), scaled(v[2], -128, 127));
}

void check(const OFCondition& condition, const fs::path& named, const std::string& what) {
  if (condition.bad()) throw file_error(named, what + ": " + condition.text());
}

}  // namespace

void write_dicom_segmentation(const fs::path& source, const fs::path& tmp,
                              const std::vector<SegmentDescription>& segments,
                              const SegmentationAlgorithm& algorithm, const fs::path& named) {
  if (segments.empty()) throw file_error(named, "no segments to write");
  DcmFileFormat format;
  const OFCondition loaded = format.loadFile(source.c_str());
  if (loaded.bad()) throw file_error(source, std::string("cannot read as DICOM: ") + loaded.text());
  DcmDataset& image = *format.getDataset();
  Uint16 rows = 0, columns = 0;
  image.findAndGetUint16(DCM_Rows, rows);
  image.findAndGetUint16(DCM_Columns, columns);
  for (const auto& s : segments) {
    if (s.mask.type() != CV_8UC1 || s.mask.rows != rows || s.mask.cols != columns)
      throw file_error(named, "segment '" + s.label + "' is not a " + std::to_string(columns) + "x" +
                                  std::to_string(rows) + " 8-bit mask like its source image");
  }

  // General Equipment: all four values are required by dcmseg; software has no serial number.
  const IODGeneralEquipmentModule::EquipmentInfo equipment(algorithm.name.c_str(), algorithm.name.c_str(), "none",
                                                           algorithm.version.c_str());
  // Content Label is a CS: upper case, at most 16 characters.
  const ContentIdentificationMacro content("1", "XNET", ("segmented by " + algorithm.name).c_str(), "");
  DcmSegmentation* created = nullptr;
  check(DcmSegmentation::createBinarySegmentation(created, rows, columns, equipment, content), named,
        "cannot create the segmentation");
  std::unique_ptr<DcmSegmentation> seg(created);
  // Patient, study and frame of reference of the source; series and instance are the SEG's own.
  check(seg->importFromSourceImage(image), named, "cannot take over the source's patient and study");
  // A source in a Frame of Reference (a CT or MR slice) gives the frames its plane's position,
  // orientation and pixel spacing. A projection radiograph seldom has one, and then the SEG
  // has none either, nor does one whose plane is not stated at the top level (an enhanced
  // multi-frame source): dcmseg would insist on one, PS3.3 A.51 needs it only with a plane.
  const std::string position = text(image, DCM_ImagePositionPatient);
  const std::string orientation = text(image, DCM_ImageOrientationPatient);
  const std::string pixel_spacing = text(image, DCM_PixelSpacing);
  const std::string thickness = text(image, DCM_SliceThickness);
  const bool in_frame_of_reference = !text(image, DCM_FrameOfReferenceUID).empty() && !position.empty() &&
                                     !orientation.empty() && !pixel_spacing.empty() && !thickness.empty();
  if (in_frame_of_reference) {
    FGPlanePosPatient plane_position;
    FGPlaneOrientationPatient plane_orientation;
    check(plane_position.setImagePositionPatient(value_at(image, DCM_ImagePositionPatient, 0),
                                                 value_at(image, DCM_ImagePositionPatient, 1),
                                                 value_at(image, DCM_ImagePositionPatient, 2), OFFalse),
          named, "image position");
    check(plane_orientation.setImageOrientationPatient(
              value_at(image, DCM_ImageOrientationPatient, 0), value_at(image, DCM_ImageOrientationPatient, 1),
              value_at(image, DCM_ImageOrientationPatient, 2), value_at(image, DCM_ImageOrientationPatient, 3),
              value_at(image, DCM_ImageOrientationPatient, 4), value_at(image, DCM_ImageOrientationPatient, 5),
              OFFalse),
          named, "image orientation");
    check(seg->addForAllFrames(plane_position), named, "image position");
    check(seg->addForAllFrames(plane_orientation), named, "image orientation");
  } else {
    seg->getFrameOfReference().clearData();
    const auto rules = seg->getFrameOfReference().getRules();
    for (const DcmTagKey& tag : {DCM_FrameOfReferenceUID, DCM_PositionReferenceIndicator})
      if (IODRule* rule = rules->getByTag(tag)) rule->setType("3");
  }
  // Patient Orientation (2C: needed where no Image Orientation (Patient) says it) as the source
  // has it, empty when it does not.
  if (IODRule* rule = seg->getGeneralImage().getRules()->getByTag(DCM_PatientOrientation)) rule->setType("2");
  check(seg->getGeneralImage().setPatientOrientation(text(image, DCM_PatientOrientation).c_str(), OFFalse), named,
        "patient orientation");
  check(seg->getSeries().setSeriesDescription((algorithm.name + " segmentation").c_str()), named, "series");
  check(seg->getSeries().setSeriesNumber("1"), named, "series");
  if (text(image, DCM_LossyImageCompression) == "01") {
    check(seg->setLossyImageCompressionFlag(text(image, DCM_LossyImageCompressionRatio).c_str(),
                                            text(image, DCM_LossyImageCompressionMethod).c_str(), OFFalse),
          named, "lossy compression flag");
  }

  // Every frame derives from the one source image (PS3.3 C.7.6.16.2.6, CID 7203 Segmentation,
  // CID 7202 source image); the shared groups say so once for all frames.
  const std::string sop_class = text(image, DCM_SOPClassUID), sop_instance = text(image, DCM_SOPInstanceUID);
  ImageSOPInstanceReferenceMacro* reference = nullptr;
  check(ImageSOPInstanceReferenceMacro::create(sop_class.c_str(), sop_instance.c_str(), reference), named,
        "cannot reference the source image");
  std::unique_ptr<ImageSOPInstanceReferenceMacro> owned_reference(reference);
  OFVector<ImageSOPInstanceReferenceMacro> derived_from;
  derived_from.push_back(*reference);
  std::unique_ptr<FGDerivationImage> derivation(
      DcmSegmentation::createDerivationImageFG(derived_from, ("segmented by " + algorithm.name).c_str()));
  if (!derivation) throw file_error(named, "cannot describe the derivation from the source image");
  check(seg->addForAllFrames(*derivation), named, "derivation");
  const std::string spacing = pixel_spacing.empty() ? text(image, DCM_ImagerPixelSpacing) : pixel_spacing;
  if (!spacing.empty()) {
    FGPixelMeasures measures;
    check(measures.setPixelSpacing(spacing.c_str(), OFFalse), named, "pixel spacing");
    if (in_frame_of_reference) check(measures.setSliceThickness(thickness.c_str(), OFFalse), named, "slice thickness");
    check(seg->addForAllFrames(measures), named, "pixel spacing");
  }
  // The source image, also in the Common Instance Reference module (its series and study).
  IODReferences references;
  references.add(new IODImageReference(text(image, DCM_PatientID).c_str(), text(image, DCM_StudyInstanceUID).c_str(),
                                       text(image, DCM_SeriesInstanceUID).c_str(), sop_instance.c_str(),
                                       sop_class.c_str()));
  seg->getCommonInstanceReference().addReferences(references);

  // One frame per segment; the frames are indexed by the segment they show.
  FGFrameContent frame_content;
  FGSegmentation frame_segment;
  OFVector<FGBase*> per_frame;
  per_frame.push_back(&frame_content);
  per_frame.push_back(&frame_segment);
  for (const auto& s : segments) {
    DcmSegment* segment = nullptr;
    check(DcmSegment::create(segment, s.label.c_str(), coded(s.category), coded(s.type), DcmSegTypes::SAT_AUTOMATIC,
                             algorithm.name.c_str()),
          named, "segment '" + s.label + "'");
    Uint16 number = 0;
    if (seg->addSegment(segment, number).bad()) {
      delete segment;
      throw file_error(named, "cannot add segment '" + s.label + "'");
    }
    AlgorithmIdentificationMacro& identification = segment->getSegmentationAlgorithmIdentification();
    // PS3.16 CID 7162: the algorithm's family.
    identification.getAlgorithmFamilyCode().set("123110", "DCM", "Artificial Intelligence");
    check(identification.setAlgorithmName(algorithm.name.c_str()), named, "algorithm name");
    check(identification.setAlgorithmVersion(algorithm.version.c_str()), named, "algorithm version");
    if (!algorithm.parameters.empty())
      check(identification.setAlgorithmParameters(algorithm.parameters.c_str(), OFFalse), named,
            "algorithm parameters");
    set_display_colour(*segment, s.display_bgr);

    check(frame_content.setDimensionIndexValues(number, 0), named, "dimension index");
    check(frame_segment.setReferencedSegmentNumber(number), named, "segment number");
    const cv::Mat pixels = s.mask.isContinuous() ? s.mask : s.mask.clone();
    check(seg->addFrame(const_cast<Uint8*>(pixels.ptr<Uint8>()), number, per_frame), named,
          "frame of segment '" + s.label + "'");
  }
  // PS3.3 C.8.20.2.2: a segmentation's frames are organised by Referenced Segment Number.
  char organisation[100];
  dcmGenerateUniqueIdentifier(organisation);
  check(seg->getDimensions().addDimensionIndex(DCM_ReferencedSegmentNumber, organisation,
                                               DCM_SegmentIdentificationSequence, "segment"),
        named, "dimension index");
  auto item = std::make_unique<IODMultiframeDimensionModule::DimensionOrganizationItem>();
  item->setDimensionOrganizationUID(organisation);
  seg->getDimensions().getDimensionOrganizationSequence().push_back(item.release());

  DcmFileFormat out;
  // Values are taken from the source as they are; one that breaks its VR (a malformed source's
  // time, say) stops the write, and `xnet --verbose` shows DCMTK's word on which it was.
  check(seg->writeDataset(*out.getDataset()), named, "cannot write the segmentation (values from the source)");
  // DCMTK 3.6.7 misplaces the bits of frames after the first when Rows x Columns is not a
  // multiple of 8 (its pixel data for a 97x83 image with four segments differed from the masks
  // in the last two); the frames are packed again here as PS3.5 8.1.1 and PS3.3 C.8.20.2.1
  // have them: one after another without padding, each pixel a bit, the first in the lowest.
  const std::size_t pixels = std::size_t(rows) * columns;
  std::size_t bytes = (segments.size() * pixels + 7) / 8;
  bytes += bytes % 2;  // values of even length (PS3.5 7.1.1)
  std::vector<Uint8> packed(bytes, 0);
  for (std::size_t k = 0; k < segments.size(); ++k) {
    const cv::Mat& mask = segments[k].mask;
    std::size_t bit = k * pixels;
    for (int y = 0; y < mask.rows; ++y) {
      const Uint8* row = mask.ptr<Uint8>(y);
      for (int x = 0; x < mask.cols; ++x, ++bit)
        if (row[x]) packed[bit / 8] |= Uint8(1u << (bit % 8));
    }
  }
  check(out.getDataset()->putAndInsertUint8Array(DCM_PixelData, packed.data(), packed.size()), named,
        "pixel data");
  // A private coding scheme ("99...", PS3.16 8.2) is identified in the object that uses it
  // (PS3.3 C.12.1.1.8 Coding Scheme Identification Sequence).
  std::set<std::string> private_schemes;
  for (const auto& s : segments)
    for (const DicomCode* code : {&s.category, &s.type})
      if (code->scheme.rfind("99", 0) == 0) private_schemes.insert(code->scheme);
  for (const std::string& scheme : private_schemes) {
    DcmItem* item = nullptr;
    check(out.getDataset()->findOrCreateSequenceItem(DCM_CodingSchemeIdentificationSequence, item, -2), named,
          "coding scheme");
    check(item->putAndInsertString(DCM_CodingSchemeDesignator, scheme.c_str()), named, "coding scheme");
    check(item->putAndInsertString(DCM_CodingSchemeName, (algorithm.name + " codes").c_str()), named, "coding scheme");
    check(item->putAndInsertString(DCM_CodingSchemeResponsibleOrganization, algorithm.name.c_str()), named,
          "coding scheme");
  }
  check(out.saveFile(tmp.c_str(), EXS_LittleEndianExplicit), named, "cannot write the segmentation");
}

}  // namespace xnet
