#include "io/dicom.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <mutex>
#include <vector>

#include <dcmtk/config/osconfig.h>  // must come first among DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmimage/diregist.h>  // colour images (RGB, YBR_FULL, YBR_FULL_422) for DicomImage
#include <dcmtk/dcmimgle/dcmimage.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/appender.h>
#include <dcmtk/oflog/logger.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/oflog/spi/logevent.h>
#include <opencv2/imgproc.hpp>
#include <spdlog/spdlog.h>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "io/jpeg2000.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

// DCMTK's log, which would write "E: ..." lines to stderr ahead of xnet's own error (that one
// names the file), handed to xnet's logger at debug level: quiet unless --verbose.
class DcmtkToLogger : public dcmtk::log4cplus::Appender {
 public:
  ~DcmtkToLogger() override { destructorImpl(); }
  void close() override {}

 protected:
  void append(const dcmtk::log4cplus::spi::InternalLoggingEvent& event) override {
    spdlog::debug("DCMTK: {}", event.getMessage().c_str());
  }
};

// The compressed transfer syntaxes DCMTK can decode: JPEG (baseline, extended, lossless),
// JPEG-LS and RLE. Registered once per process, with DCMTK's log sent to xnet's logger.
void register_decoders() {
  static std::once_flag once;
  std::call_once(once, [] {
    OFLog::configure(OFLogger::WARN_LOG_LEVEL);
    dcmtk::log4cplus::Logger root = dcmtk::log4cplus::Logger::getRoot();
    root.removeAllAppenders();
    root.addAppender(dcmtk::log4cplus::SharedAppenderPtr(new DcmtkToLogger));
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  });
}

// Stored pixel value -> modality value: the Modality LUT Sequence when present, otherwise
// RescaleSlope * stored + RescaleIntercept (PS3.3 C.11.1).
struct ModalityTransform {
  double slope = 1.0;
  double intercept = 0.0;
  std::vector<double> lut;  // empty: linear rescale
  long lut_first = 0;       // stored value mapped to lut[0]

  double operator()(double stored) const {
    if (lut.empty()) return slope * stored + intercept;
    const double i = std::clamp(stored - lut_first, 0.0, static_cast<double>(lut.size() - 1));
    return lut[static_cast<std::size_t>(i)];
  }
};

ModalityTransform read_modality_transform(DcmDataset& ds, bool signed_pixels,
                                          const fs::path& file) {
  ModalityTransform t;
  DcmItem* item = nullptr;
  if (ds.findAndGetSequenceItem(DCM_ModalityLUTSequence, item, 0).good() && item) {
    Uint16 entries = 0, first = 0, bits = 16;
    item->findAndGetUint16(DCM_LUTDescriptor, entries, 0);
    item->findAndGetUint16(DCM_LUTDescriptor, first, 1);
    item->findAndGetUint16(DCM_LUTDescriptor, bits, 2);
    const std::size_t n = entries == 0 ? 65536 : entries;  // 0 means 2^16 (PS3.3 C.11.1.1)
    const Uint16* data = nullptr;
    unsigned long count = 0;
    if (item->findAndGetUint16Array(DCM_LUTData, data, &count).good() && data) {
      if (count < n && bits <= 8 && 2 * count >= n) {  // 8-bit entries packed two per word
        const auto* bytes = reinterpret_cast<const Uint8*>(data);
        t.lut.assign(bytes, bytes + n);
      } else if (count >= n) {
        t.lut.assign(data, data + n);
      }
    }
    if (t.lut.empty()) throw file_error(file, "Modality LUT Sequence without usable LUT Data");
    t.lut_first = signed_pixels ? static_cast<Sint16>(first) : first;
    return t;
  }
  ds.findAndGetFloat64(DCM_RescaleSlope, t.slope);
  ds.findAndGetFloat64(DCM_RescaleIntercept, t.intercept);
  if (!std::isfinite(t.slope) || !std::isfinite(t.intercept))
    throw file_error(file, "Rescale Slope/Intercept is not a finite number (" + std::to_string(t.slope) + ", " +
                               std::to_string(t.intercept) + ")");
  if (t.slope == 0.0) t.slope = 1.0;  // a zero slope is a broken header, not a black image
  return t;
}

Photometric photometric_from(const OFString& name) {
  if (name == "MONOCHROME1") return Photometric::monochrome1;
  if (name == "MONOCHROME2") return Photometric::monochrome2;
  return name.empty() ? Photometric::unknown : Photometric::rgb;
}

// DCMTK's intermediate pixels (stored values, modality transform skipped) as an OpenCV Mat.
cv::Mat stored_values(const DiPixel& px, int rows, int cols, const fs::path& file) {
  void* data = const_cast<void*>(px.getData());
  if (!data || px.getCount() < static_cast<unsigned long>(rows) * cols)
    throw file_error(file, "DICOM pixel data is shorter than Rows x Columns");
  switch (px.getRepresentation()) {
    case EPR_Uint8: return cv::Mat(rows, cols, CV_8U, data).clone();
    case EPR_Sint8: return cv::Mat(rows, cols, CV_8S, data).clone();
    case EPR_Uint16: return cv::Mat(rows, cols, CV_16U, data).clone();
    case EPR_Sint16: return cv::Mat(rows, cols, CV_16S, data).clone();
    case EPR_Sint32: return cv::Mat(rows, cols, CV_32S, data).clone();
    case EPR_Uint32: {
      cv::Mat out(rows, cols, CV_64F);
      const auto* p = static_cast<const Uint32*>(data);
      std::copy(p, p + static_cast<std::size_t>(rows) * cols, out.ptr<double>());
      return out;
    }
  }
  throw file_error(file, "unsupported DICOM pixel representation");
}

// Modality values, with MONOCHROME1 turned to MONOCHROME2 orientation by inverting over the
// representable range in modality space: m' = M(s_min) + M(s_max) - M(s). For a linear
// rescale of unsigned data this is slope * ((2^bits - 1) - s) + intercept, so a MONOCHROME1
// file storing (2^bits - 1 - v) reads exactly like a MONOCHROME2 file storing v.
void apply_modality(Radiograph& r, const cv::Mat& stored, const ModalityTransform& m,
                    double s_min, double s_max, bool invert) {
  const double lo = m(s_min), hi = m(s_max);
  if (m.lut.empty()) {
    const double alpha = invert ? -m.slope : m.slope;
    const double beta = invert ? m.slope * (s_min + s_max) + m.intercept : m.intercept;
    stored.convertTo(r.pixels, CV_32F, alpha, beta);
  } else {
    cv::Mat s;
    stored.convertTo(s, CV_64F);
    r.pixels.create(s.size(), CV_32F);
    for (int y = 0; y < s.rows; ++y) {
      const double* in = s.ptr<double>(y);
      float* out = r.pixels.ptr<float>(y);
      for (int x = 0; x < s.cols; ++x) {
        const double v = m(in[x]);
        out[x] = static_cast<float>(invert ? lo + hi - v : v);
      }
    }
  }
  r.range_min = std::min(lo, hi);
  r.full_scale = std::max(lo, hi);
}

// The image's processing as the file states it (PS3.3 C.8.11.1: Presentation Intent Type of
// the DX, MG and IO modules), else as its SOP class names it. CR and secondary capture say
// nothing either way.
void read_presentation_intent(DcmDataset& ds, Radiograph& r) {
  OFString intent;
  if (ds.findAndGetOFString(DCM_PresentationIntentType, intent).good() && !intent.empty()) {
    if (intent == "FOR PROCESSING") r.presentation_intent = PresentationIntent::for_processing;
    if (intent == "FOR PRESENTATION") r.presentation_intent = PresentationIntent::for_presentation;
    if (r.presentation_intent != PresentationIntent::unknown) {
      r.intent_evidence = std::string("Presentation Intent Type ") + intent.c_str();
      return;
    }
  }
  OFString sop_class;
  ds.findAndGetOFString(DCM_SOPClassUID, sop_class);
  static const std::pair<const char*, PresentationIntent> classes[] = {
      {UID_DigitalXRayImageStorageForPresentation, PresentationIntent::for_presentation},
      {UID_DigitalMammographyXRayImageStorageForPresentation, PresentationIntent::for_presentation},
      {UID_DigitalIntraOralXRayImageStorageForPresentation, PresentationIntent::for_presentation},
      {UID_DigitalXRayImageStorageForProcessing, PresentationIntent::for_processing},
      {UID_DigitalMammographyXRayImageStorageForProcessing, PresentationIntent::for_processing},
      {UID_DigitalIntraOralXRayImageStorageForProcessing, PresentationIntent::for_processing},
  };
  for (const auto& [uid, meaning] : classes)
    if (sop_class == uid) {
      r.presentation_intent = meaning;
      r.intent_evidence = std::string("SOP class ") + dcmFindNameOfUID(uid, uid);
    }
}

// Native (uncompressed) pixel data must hold every declared frame: DCMTK pads a short
// element with zeros, which would be segmented as a black band without a word.
void check_native_pixel_data(DcmDataset& ds, E_TransferSyntax xfer, std::uint64_t rows, std::uint64_t cols,
                             const fs::path& file) {
  if (DcmXfer(xfer).isEncapsulated()) return;  // the decoder checks compressed streams
  DcmElement* pixels = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, pixels).bad() || !pixels) return;
  Uint16 allocated = 0, samples = 1;
  ds.findAndGetUint16(DCM_BitsAllocated, allocated);
  ds.findAndGetUint16(DCM_SamplesPerPixel, samples);
  Sint32 frames = 1;
  if (ds.findAndGetSint32(DCM_NumberOfFrames, frames).bad() || frames < 1) frames = 1;
  if (allocated == 0 || samples == 0) throw file_error(file, "DICOM file without Bits Allocated or Samples per Pixel");
  // YBR_FULL_422 stores two lumas and one Cb, Cr pair for each two pixels (PS3.3 C.7.6.3.1.2):
  // two samples a pixel, not three.
  OFString photometric;
  ds.findAndGetOFString(DCM_PhotometricInterpretation, photometric);
  const std::uint64_t stored_samples = samples == 3 && photometric.find("_422") != OFString_npos ? 2 : samples;
  const std::uint64_t expected = (rows * cols * stored_samples * static_cast<std::uint64_t>(frames) * allocated + 7) / 8;
  const std::uint64_t found = pixels->getLength();
  if (found < expected)
    throw file_error(file, "DICOM pixel data holds " + std::to_string(found) + " bytes, " + std::to_string(expected) +
                               " expected for " + std::to_string(frames) + " frame(s) of " + std::to_string(cols) +
                               "x" + std::to_string(rows) + " (truncated file?)");
}

std::optional<std::array<double, 2>> read_pixel_spacing(DcmDataset& ds) {
  // PixelSpacing is at the patient; projection radiographs often carry only
  // ImagerPixelSpacing (at the detector), which is the best spacing there is then.
  for (const DcmTagKey& tag : {DCM_PixelSpacing, DCM_ImagerPixelSpacing}) {
    Float64 row = 0, col = 0;
    if (ds.findAndGetFloat64(tag, row, 0).good() && ds.findAndGetFloat64(tag, col, 1).good() &&
        row > 0 && col > 0)
      return std::array<double, 2>{row, col};
  }
  return std::nullopt;
}

// The first frame's JPEG 2000 codestream: the fragments after the Basic Offset Table item, up
// to the one that ends with the EOC marker (FF D9; a fragment is padded to even length), since
// a frame may span several fragments (PS3.5 A.4).
std::vector<std::uint8_t> first_frame_stream(DcmDataset& ds, E_TransferSyntax xfer, const fs::path& file) {
  DcmElement* element = nullptr;
  DcmPixelSequence* sequence = nullptr;
  auto* pixel_data = ds.findAndGetElement(DCM_PixelData, element).good() ? dynamic_cast<DcmPixelData*>(element) : nullptr;
  if (!pixel_data || pixel_data->getEncapsulatedRepresentation(xfer, nullptr, sequence).bad() || !sequence)
    throw file_error(file, "JPEG 2000 DICOM without encapsulated pixel data");
  std::vector<std::uint8_t> stream;
  for (unsigned long i = 1; i < sequence->card(); ++i) {
    DcmPixelItem* item = nullptr;
    Uint8* data = nullptr;
    if (sequence->getItem(item, i).bad() || !item || item->getUint8Array(data).bad()) break;
    const Uint32 n = item->getLength();
    if (!data || n == 0) continue;
    stream.insert(stream.end(), data, data + n);
    const bool ends = (n >= 2 && data[n - 2] == 0xFF && data[n - 1] == 0xD9) ||
                      (n >= 3 && data[n - 3] == 0xFF && data[n - 2] == 0xD9 && data[n - 1] == 0);
    if (ends) break;
  }
  if (stream.empty()) throw file_error(file, "JPEG 2000 DICOM without pixel data fragments");
  return stream;
}

}  // namespace

bool is_dicom_file(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".dcm" || ext == ".dicom") return true;
  std::ifstream in(file, std::ios::binary);
  char head[132] = {};
  return in.read(head, sizeof head) && std::string(head + 128, 4) == "DICM";
}

Radiograph read_dicom(const fs::path& file, const ReadLimits& limits) {
  register_decoders();
  if (!fs::exists(file)) throw file_error(file, "file not found");
  DcmFileFormat format;
  const OFCondition loaded = format.loadFile(file.c_str());
  if (loaded.bad()) throw file_error(file, std::string("cannot read as DICOM: ") + loaded.text());
  DcmDataset& ds = *format.getDataset();
  if (!ds.tagExistsWithValue(DCM_PixelData)) throw file_error(file, "DICOM file has no pixel data");

  Radiograph r;
  r.source = file;
  OFString name;
  ds.findAndGetOFString(DCM_PhotometricInterpretation, name);
  r.photometric = photometric_from(name);
  r.pixel_spacing_mm = read_pixel_spacing(ds);
  read_presentation_intent(ds, r);
  Uint16 declared_rows = 0, declared_cols = 0;
  ds.findAndGetUint16(DCM_Rows, declared_rows);
  ds.findAndGetUint16(DCM_Columns, declared_cols);
  check_declared_size(file, declared_cols, declared_rows, limits);  // before DCMTK allocates them
  const E_TransferSyntax xfer = ds.getOriginalXfer();
  check_native_pixel_data(ds, xfer, declared_rows, declared_cols, file);
  Sint32 frames = 1;
  if (ds.findAndGetSint32(DCM_NumberOfFrames, frames).good() && frames > 1)
    spdlog::warn("{}: {} frames, reading the first", file.string(), frames);

  Uint16 bits = 0, representation = 0;
  ds.findAndGetUint16(DCM_BitsStored, bits);
  ds.findAndGetUint16(DCM_PixelRepresentation, representation);
  const auto modality_values = [&](const cv::Mat& stored) {
    const bool is_signed = representation == 1;
    const double s_min = is_signed ? -std::ldexp(1.0, bits - 1) : 0.0;
    const double s_max = is_signed ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1;
    r.bit_depth = bits;
    apply_modality(r, stored, read_modality_transform(ds, is_signed, file), s_min, s_max,
                   r.photometric == Photometric::monochrome1);
    return r;
  };

  // A colour image (RGB order, `depth` bits a sample) read as grey the way the PNG reader does.
  const auto gray_of_colour = [&](const cv::Mat& rgb, int depth) {
    cv::cvtColor(rgb, r.pixels, cv::COLOR_RGB2GRAY);
    r.pixels.convertTo(r.pixels, CV_32F);
    r.bit_depth = depth;
    r.full_scale = std::ldexp(1.0, depth) - 1;
    r.converted_from_rgb = true;
    spdlog::warn("{}: colour DICOM ({}) converted to gray", file.string(), name.c_str());
    return r;
  };

  if (xfer == EXS_JPEG2000LosslessOnly || xfer == EXS_JPEG2000) {
    const Jpeg2000Image j2k = decode_jpeg2000(first_frame_stream(ds, xfer, file), file, limits,
                                              cv::Size(declared_cols, declared_rows));
    if (bits == 0) bits = static_cast<Uint16>(j2k.precision);
    if (j2k.values.channels() == 3) {
      cv::Mat colour;
      j2k.values.convertTo(colour, CV_32FC3);
      return gray_of_colour(colour, bits);
    }
    return modality_values(j2k.values);
  }

  // Only the first frame; the modality transform is applied here in floating point, since
  // DCMTK's own keeps integer pixels and would truncate fractional rescale slopes.
  DicomImage image(&ds, xfer, CIF_IgnoreModalityTransformation, 0, 1);
  if (image.getStatus() != EIS_Normal)
    throw file_error(file, std::string("cannot decode DICOM pixel data (") +
                               DcmXfer(xfer).getXferName() + "): " +
                               DicomImage::getString(image.getStatus()));
  const int rows = static_cast<int>(image.getHeight()), cols = static_cast<int>(image.getWidth());

  if (!image.isMonochrome()) {
    const void* rgb = image.getOutputData(8, 0, 0);
    if (!rgb) throw file_error(file, "cannot decode DICOM colour pixel data");
    return gray_of_colour(cv::Mat(rows, cols, CV_8UC3, const_cast<void*>(rgb)), 8);
  }

  const DiPixel* px = image.getInterData();
  if (!px) throw file_error(file, "cannot decode DICOM pixel data");
  if (bits == 0) bits = static_cast<Uint16>(image.getDepth());
  return modality_values(stored_values(*px, rows, cols, file));
}

void write_dicom(const fs::path& file, const cv::Mat& stored, Photometric photometric,
                 double rescale_slope, double rescale_intercept,
                 std::optional<std::array<double, 2>> pixel_spacing_mm, int bits_stored,
                 PresentationIntent intent) {
  const bool is_signed = stored.type() == CV_16SC1;
  if (stored.type() != CV_16UC1 && !is_signed)
    throw file_error(file, "write_dicom needs 16-bit single-channel pixels");
  if (photometric != Photometric::monochrome1 && photometric != Photometric::monochrome2)
    throw file_error(file, "write_dicom writes MONOCHROME1 or MONOCHROME2 only");
  if (bits_stored < 1 || bits_stored > 16) throw file_error(file, "BitsStored must be 1-16");
  double lo = 0, hi = 0;
  cv::minMaxLoc(stored, &lo, &hi);
  const double s_min = is_signed ? -std::ldexp(1.0, bits_stored - 1) : 0.0;
  const double s_max = is_signed ? std::ldexp(1.0, bits_stored - 1) - 1 : std::ldexp(1.0, bits_stored) - 1;
  if (lo < s_min || hi > s_max)
    throw file_error(file, "pixel values do not fit in " + std::to_string(bits_stored) + " bits");

  DcmFileFormat format;
  DcmDataset& ds = *format.getDataset();
  char uid[100];
  const auto put = [&](const DcmTagKey& tag, const std::string& value) {
    const OFCondition c = ds.putAndInsertString(tag, value.c_str());
    if (c.bad()) throw file_error(file, std::string("cannot build DICOM header: ") + c.text());
  };
  const bool processing = intent == PresentationIntent::for_processing;
  put(DCM_SOPClassUID, intent == PresentationIntent::unknown ? UID_SecondaryCaptureImageStorage
                       : processing ? UID_DigitalXRayImageStorageForProcessing
                                    : UID_DigitalXRayImageStorageForPresentation);
  if (intent != PresentationIntent::unknown)
    put(DCM_PresentationIntentType, processing ? "FOR PROCESSING" : "FOR PRESENTATION");
  put(DCM_SOPInstanceUID, dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT));
  put(DCM_StudyInstanceUID, dcmGenerateUniqueIdentifier(uid, SITE_STUDY_UID_ROOT));
  put(DCM_SeriesInstanceUID, dcmGenerateUniqueIdentifier(uid, SITE_SERIES_UID_ROOT));
  put(DCM_Modality, intent == PresentationIntent::unknown ? "OT" : "DX");
  put(DCM_PhotometricInterpretation,
      photometric == Photometric::monochrome1 ? "MONOCHROME1" : "MONOCHROME2");
  ds.putAndInsertUint16(DCM_SamplesPerPixel, 1);
  ds.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(stored.rows));
  ds.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(stored.cols));
  ds.putAndInsertUint16(DCM_BitsAllocated, 16);
  ds.putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(bits_stored));
  ds.putAndInsertUint16(DCM_HighBit, static_cast<Uint16>(bits_stored - 1));
  ds.putAndInsertUint16(DCM_PixelRepresentation, is_signed ? 1 : 0);
  put(DCM_RescaleSlope, cv::format("%.10g", rescale_slope));
  put(DCM_RescaleIntercept, cv::format("%.10g", rescale_intercept));
  put(DCM_RescaleType, "US");  // unspecified units
  if (pixel_spacing_mm)
    put(DCM_PixelSpacing, cv::format("%.10g\\%.10g", (*pixel_spacing_mm)[0], (*pixel_spacing_mm)[1]));
  const cv::Mat contiguous = stored.isContinuous() ? stored : stored.clone();
  ds.putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(contiguous.data),
                             contiguous.total());

  write_atomically(file, [&](const fs::path& tmp) {
    const OFCondition c = format.saveFile(tmp.c_str(), EXS_LittleEndianExplicit);
    if (c.bad()) throw file_error(file, std::string("cannot write DICOM: ") + c.text());
  });
}

void write_dicom_with_shutter(const fs::path& source, const fs::path& tmp, const std::vector<cv::Point2f>& polygon,
                              const fs::path& named) {
  if (polygon.size() < 3) throw file_error(named, "no collimator field to record as a shutter");
  DcmFileFormat format;
  const OFCondition loaded = format.loadFile(source.c_str());
  if (loaded.bad()) throw file_error(source, std::string("cannot read as DICOM: ") + loaded.text());
  DcmDataset& ds = *format.getDataset();
  Uint16 rows = 0, cols = 0;
  ds.findAndGetUint16(DCM_Rows, rows);
  ds.findAndGetUint16(DCM_Columns, cols);
  std::string vertices;
  for (const cv::Point2f& p : polygon) {
    const long row = std::clamp(std::lround(p.y) + 1, 1L, std::max(1L, long(rows)));
    const long col = std::clamp(std::lround(p.x) + 1, 1L, std::max(1L, long(cols)));
    vertices += (vertices.empty() ? "" : "\\") + std::to_string(row) + "\\" + std::to_string(col);
  }
  char uid[100];
  dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT);
  const bool ok = ds.putAndInsertString(DCM_ShutterShape, "POLYGONAL").good() &&
                  ds.putAndInsertString(DCM_VerticesOfThePolygonalShutter, vertices.c_str()).good() &&
                  ds.putAndInsertString(DCM_SOPInstanceUID, uid).good() &&
                  ds.putAndInsertString(DCM_DerivationDescription, "collimator shutter found by xnet").good() &&
                  format.getMetaInfo()->putAndInsertString(DCM_MediaStorageSOPInstanceUID, uid).good();
  if (!ok) throw file_error(named, "cannot add the Display Shutter module");
  const OFCondition saved = format.saveFile(tmp.c_str(), EXS_Unknown);
  if (saved.bad()) throw file_error(named, std::string("cannot write: ") + saved.text());
}

}  // namespace xnet
