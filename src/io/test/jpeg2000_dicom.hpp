#pragma once
// A DICOM re-encoded as JPEG 2000 lossless (io's tests, fuzz seeds).
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <opencv2/core.hpp>

#include "io/jpeg2000.hpp"

namespace xnet::test {

// Re-encodes an uncompressed DICOM's pixels (16-bit, unsigned) as JPEG 2000 lossless, the
// codestream split into fragments of at most `fragment_kb` KB (0: one fragment), as
// modalities and PACS store them (transfer syntax 1.2.840.10008.1.2.4.90).
// `stored`: the file's stored values; keep_bytes > 0 cuts the codestream there.
inline void recompress_jpeg2000(const std::filesystem::path& in, const std::filesystem::path& out,
                                const cv::Mat& stored, Uint32 fragment_kb, std::size_t keep_bytes = 0) {
  DcmFileFormat format;
  if (format.loadFile(in.c_str()).bad()) throw std::runtime_error("cannot read " + in.string());
  DcmDataset* ds = format.getDataset();
  std::vector<std::uint8_t> stream = encode_jpeg2000_lossless(stored, 16, false);
  if (keep_bytes) stream.resize(keep_bytes);  // a stream cut short
  auto* sequence = new DcmPixelSequence(DCM_PixelSequenceTag);
  sequence->insert(new DcmPixelItem(DCM_PixelItemTag));  // the (empty) Basic Offset Table
  DcmOffsetList offsets;
  if (sequence->storeCompressedFrame(offsets, stream.data(), static_cast<Uint32>(stream.size()), fragment_kb).bad())
    throw std::runtime_error("cannot encapsulate " + out.string());
  auto* pixels = new DcmPixelData(DCM_PixelData);
  pixels->putOriginalRepresentation(EXS_JPEG2000LosslessOnly, nullptr, sequence);
  if (ds->insert(pixels, true).bad() || format.saveFile(out.c_str(), EXS_JPEG2000LosslessOnly).bad())
    throw std::runtime_error("cannot write " + out.string());
}

}  // namespace xnet::test
