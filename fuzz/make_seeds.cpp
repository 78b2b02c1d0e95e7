// fuzz_seeds OUT: the harnesses' starting corpora, small files of every kind the readers take,
// from xnet's own writers and synthetic radiographs shrunk to a few dozen pixels:
// OUT/radiograph (PNG 8/16-bit and RGB, TIFF 8/16/32-bit, JPEG, DICOM), OUT/dicom (16-bit
// MONOCHROME1/2, signed with rescale, 12 bits, Modality LUT, RGB, RLE, JPEG-LS, JPEG 2000, JPEG
// lossless), OUT/manifest (xnet synth's manifest.csv and a few RFC 4180 corners),
// OUT/model_archive (a model.pt as LibTorch lays it out) and OUT/model_pickle (its pickle, in
// model_pickle_fuzz's input format).
#include <fstream>
#include <iostream>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "engine/model_description.hpp"
#include "engine/test/model_zip.hpp"
#include "io/dicom.hpp"
#include "io/radiograph.hpp"
#include "io/test/jpeg2000_dicom.hpp"
#include "synth/generator.hpp"

namespace fs = std::filesystem;
using namespace xnet;

namespace {

void write_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

void recompress(const fs::path& in, const fs::path& out, E_TransferSyntax xfer) {
  DcmFileFormat format;
  if (format.loadFile(in.c_str()).bad() || format.getDataset()->chooseRepresentation(xfer, nullptr).bad() ||
      format.saveFile(out.c_str(), xfer).bad())
    throw std::runtime_error("cannot recompress " + in.string());
}

// The first DICOM again with a Modality LUT Sequence instead of the rescale.
void with_modality_lut(const fs::path& in, const fs::path& out) {
  DcmFileFormat format;
  if (format.loadFile(in.c_str()).bad()) throw std::runtime_error("cannot load " + in.string());
  DcmDataset& ds = *format.getDataset();
  ds.findAndDeleteElement(DCM_RescaleSlope);
  ds.findAndDeleteElement(DCM_RescaleIntercept);
  DcmItem* item = nullptr;
  ds.findOrCreateSequenceItem(DCM_ModalityLUTSequence, item, -2);
  std::vector<Uint16> lut(256);
  for (int i = 0; i < 256; ++i) lut[i] = static_cast<Uint16>(i * i);
  item->putAndInsertUint16(DCM_LUTDescriptor, 256, 0);
  item->putAndInsertUint16(DCM_LUTDescriptor, 0, 1);
  item->putAndInsertUint16(DCM_LUTDescriptor, 16, 2);
  item->putAndInsertUint16Array(DCM_LUTData, lut.data(), lut.size());
  if (format.saveFile(out.c_str(), EXS_LittleEndianExplicit).bad()) throw std::runtime_error("cannot write " + out.string());
}

void rgb_dicom(const cv::Mat& gray8, const fs::path& out) {
  cv::Mat rgb;
  cv::cvtColor(gray8, rgb, cv::COLOR_GRAY2RGB);
  DcmFileFormat format;
  DcmDataset& ds = *format.getDataset();
  char uid[100];
  ds.putAndInsertString(DCM_SOPClassUID, UID_SecondaryCaptureImageStorage);
  ds.putAndInsertString(DCM_SOPInstanceUID, dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT));
  ds.putAndInsertString(DCM_PhotometricInterpretation, "RGB");
  ds.putAndInsertUint16(DCM_SamplesPerPixel, 3);
  ds.putAndInsertUint16(DCM_PlanarConfiguration, 0);
  ds.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(rgb.rows));
  ds.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(rgb.cols));
  ds.putAndInsertUint16(DCM_BitsAllocated, 8);
  ds.putAndInsertUint16(DCM_BitsStored, 8);
  ds.putAndInsertUint16(DCM_HighBit, 7);
  ds.putAndInsertUint16(DCM_PixelRepresentation, 0);
  ds.putAndInsertUint8Array(DCM_PixelData, rgb.data, rgb.total() * 3);
  if (format.saveFile(out.c_str(), EXS_LittleEndianExplicit).bad()) throw std::runtime_error("cannot write " + out.string());
}

void dicom_seeds(const cv::Mat& raw, const cv::Mat& display, const fs::path& dir) {
  cv::Mat u16, s16, u12;
  raw.convertTo(u16, CV_16U);
  raw.convertTo(s16, CV_16S, 0.5, -16384);
  raw.convertTo(u12, CV_16U, 1.0 / 16);
  write_dicom(dir / "m2.dcm", u16, Photometric::monochrome2, 1.0, 0.0, std::array<double, 2>{0.143, 0.15});
  write_dicom(dir / "m1.dcm", u16, Photometric::monochrome1);
  write_dicom(dir / "signed.dcm", s16, Photometric::monochrome2, 0.5, -1024.0);
  write_dicom(dir / "bits12.dcm", u12, Photometric::monochrome1, 2.5, 10.0, std::nullopt, 12);
  with_modality_lut(dir / "m2.dcm", dir / "lut.dcm");
  cv::Mat gray8;
  display.convertTo(gray8, CV_8U);
  rgb_dicom(gray8, dir / "rgb.dcm");
  DcmRLEEncoderRegistration::registerCodecs();
  DJLSEncoderRegistration::registerCodecs();
  DJEncoderRegistration::registerCodecs();
  recompress(dir / "m2.dcm", dir / "rle.dcm", EXS_RLELossless);
  recompress(dir / "m2.dcm", dir / "jpegls.dcm", EXS_JPEGLSLossless);
  recompress(dir / "m1.dcm", dir / "jpeg_lossless.dcm", EXS_JPEGProcess14SV1);
  test::recompress_jpeg2000(dir / "m2.dcm", dir / "jpeg2000.dcm", u16, 1);  // several fragments
}

void image_seeds(const cv::Mat& raw, const cv::Mat& display, const fs::path& dir) {
  write_radiograph_image(dir / "u8.png", display, PixelDepth::u8);
  write_radiograph_image(dir / "u16.png", raw, PixelDepth::u16);
  write_radiograph_image(dir / "u8.tif", display, PixelDepth::u8);
  write_radiograph_image(dir / "u16.tif", raw, PixelDepth::u16);
  write_radiograph_image(dir / "f32.tif", raw / 65535.0, PixelDepth::f32);
  write_radiograph_image(dir / "u8.jpg", display, PixelDepth::u8);
  cv::Mat gray8, bgr;
  display.convertTo(gray8, CV_8U);
  cv::cvtColor(gray8, bgr, cv::COLOR_GRAY2BGR);
  cv::imwrite((dir / "rgb.png").string(), bgr);
  cv::Mat u16;
  raw.convertTo(u16, CV_16U);
  write_dicom(dir / "m2.dcm", u16, Photometric::monochrome2);
}

void manifest_seeds(const fs::path& dir) {
  const fs::path data = dir / "synth";
  synth::SynthOptions options;
  options.count = 4;
  options.size = 32;
  options.threads = 1;
  synth::write_synthetic_dataset(data, options);
  fs::copy_file(data / "manifest.csv", dir / "synth.csv");
  fs::remove_all(data);
  write_bytes(dir / "corners.csv",
              "\xEF\xBB\xBFimage,Mask , category\r\n\"images/a,b.png\",\"masks/\"\"q\"\".png\",hand\r\n\n"
              "images/c.png,,\nimages/./c.png,masks/c.png,\"multi\nline\"\n");
  write_bytes(dir / "unterminated.csv", "image,mask,category\n\"images/a.png,masks/a.png,hand\n");
}

// A small xnet model: the records model/model_file.cpp writes, two conv layers' tensors (one
// at an offset in a shared storage) in data/0 (18 floats) and data/1 (64 floats).
std::string model_pickle() {
  const std::string description = nlohmann::json(engine::ModelFile{}).dump();
  test::PickleWriter p;
  p.begin_object("Module")
      .str(engine::kMagicRecord).str(engine::kMagic)
      .str(engine::kVersionRecord).integer(engine::kModelFormatVersion)
      .str(engine::kDescriptionRecord).str(description)
      .str("c1").begin_object("Conv")
      .str("weight").tensor("0", 18, 0, {2, 1, 3, 3}, {9, 9, 3, 1})
      .str("bias").tensor("1", 64, 8, {2}, {1})
      .end_object()
      .str("c2").begin_object("Conv")
      .str("weight").tensor("1", 64, 16, {1, 2, 2, 2}, {8, 4, 2, 1})
      .end_object()
      .end_object();
  return p.finish();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_seeds OUT\n";
    return 2;
  }
  const fs::path out = argv[1];
  for (const char* corpus : {"radiograph", "dicom", "manifest", "model_archive", "model_pickle"})
    fs::create_directories(out / corpus);
  try {
    const auto categories = synth::assign_categories(2, 1, false);
    for (int i = 0; i < 2; ++i) {
      const int size = i == 0 ? 24 : 40;
      const auto raw = synth::synthesize(categories[i], 1, i, size, synth::Polarity::raw, false).pixels;
      const auto display = synth::synthesize(categories[i], 1, i, size, synth::Polarity::display, false).pixels;
      const fs::path images = out / "radiograph" / std::to_string(i), dicoms = out / "dicom" / std::to_string(i);
      fs::create_directories(images);
      fs::create_directories(dicoms);
      image_seeds(raw, display, images);
      dicom_seeds(raw, display, dicoms);
    }
    manifest_seeds(out / "manifest");
    const std::string pickle = model_pickle();
    test::write_model_zip(out / "model_archive" / "model.pt", pickle,
                          {{"0", std::string(4 * 18, '\x01')}, {"1", std::string(256, '\x02')}});
    write_bytes(out / "model_pickle" / "model.bin", std::string("\x12\x01", 2) + pickle);
  } catch (const std::exception& e) {
    std::cerr << "fuzz_seeds: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
