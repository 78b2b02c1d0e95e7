#include "io/jpeg2000.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include <openjpeg.h>

#include "core/error.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

// An OpenJPEG stream over bytes in memory, for reading (from `bytes`) or writing (into it).
struct MemoryStream {
  std::vector<std::uint8_t>* bytes;
  std::size_t position = 0;
};

OPJ_SIZE_T read_bytes(void* buffer, OPJ_SIZE_T n, void* user) {
  auto& s = *static_cast<MemoryStream*>(user);
  if (s.position >= s.bytes->size()) return static_cast<OPJ_SIZE_T>(-1);
  n = std::min<OPJ_SIZE_T>(n, s.bytes->size() - s.position);
  std::memcpy(buffer, s.bytes->data() + s.position, n);
  s.position += n;
  return n;
}

OPJ_SIZE_T write_bytes(void* buffer, OPJ_SIZE_T n, void* user) {
  auto& s = *static_cast<MemoryStream*>(user);
  if (s.bytes->size() < s.position + n) s.bytes->resize(s.position + n);
  std::memcpy(s.bytes->data() + s.position, buffer, n);
  s.position += n;
  return n;
}

OPJ_OFF_T skip_bytes(OPJ_OFF_T n, void* user) {
  auto& s = *static_cast<MemoryStream*>(user);
  const auto target = std::clamp<OPJ_OFF_T>(static_cast<OPJ_OFF_T>(s.position) + n, 0,
                                            static_cast<OPJ_OFF_T>(s.bytes->size()));
  const OPJ_OFF_T moved = target - static_cast<OPJ_OFF_T>(s.position);
  s.position = static_cast<std::size_t>(target);
  return moved == 0 && n != 0 ? -1 : moved;
}

OPJ_BOOL seek_bytes(OPJ_OFF_T n, void* user) {
  auto& s = *static_cast<MemoryStream*>(user);
  if (n < 0 || static_cast<std::size_t>(n) > s.bytes->size()) return OPJ_FALSE;
  s.position = static_cast<std::size_t>(n);
  return OPJ_TRUE;
}

struct StreamDeleter {
  void operator()(opj_stream_t* s) const { opj_stream_destroy(s); }
};
struct CodecDeleter {
  void operator()(opj_codec_t* c) const { opj_destroy_codec(c); }
};
struct ImageDeleter {
  void operator()(opj_image_t* i) const { opj_image_destroy(i); }
};
using Stream = std::unique_ptr<opj_stream_t, StreamDeleter>;
using Codec = std::unique_ptr<opj_codec_t, CodecDeleter>;
using Image = std::unique_ptr<opj_image_t, ImageDeleter>;

Stream memory_stream(MemoryStream& memory, bool input) {
  Stream stream(opj_stream_create(1 << 16, input ? OPJ_TRUE : OPJ_FALSE));
  opj_stream_set_user_data(stream.get(), &memory, nullptr);
  opj_stream_set_user_data_length(stream.get(), memory.bytes->size());
  if (input) opj_stream_set_read_function(stream.get(), read_bytes);
  else opj_stream_set_write_function(stream.get(), write_bytes);
  opj_stream_set_skip_function(stream.get(), skip_bytes);
  opj_stream_set_seek_function(stream.get(), seek_bytes);
  return stream;
}

// OpenJPEG's errors, kept for the one message the user gets (its warnings are not theirs).
void keep_error(const char* message, void* user) {
  auto& kept = *static_cast<std::string*>(user);
  if (kept.empty()) {
    kept = message;
    while (!kept.empty() && (kept.back() == '\n' || kept.back() == ' ')) kept.pop_back();
  }
}
void ignore(const char*, void*) {}

// What the codestream's SIZ marker segment (ISO 15444-1 A.5.1) declares, read before OpenJPEG
// sees the stream: OpenJPEG allocates its tile structures while reading the header, ~7 KB a
// tile, so a 1 KB stream declaring 44,000 tiny tiles cost 300 MB and 0.3 s before any check.
struct Siz {
  std::uint64_t width = 0, height = 0, tile_width = 0, tile_height = 0, tiles = 0;
};

std::optional<Siz> read_siz(const std::vector<std::uint8_t>& bytes) {
  // SOC then SIZ open every codestream (A.4.1); in a JP2 file it sits in the jp2c box.
  static const std::uint8_t marker[] = {0xFF, 0x4F, 0xFF, 0x51};
  const auto at = std::search(bytes.begin(), bytes.end(), std::begin(marker), std::end(marker));
  const std::size_t start = static_cast<std::size_t>(at - bytes.begin()) + 4;
  if (at == bytes.end() || start + 38 > bytes.size()) return std::nullopt;
  const auto u32 = [&](std::size_t offset) {
    const std::uint8_t* p = bytes.data() + start + offset;
    return std::uint64_t(p[0]) << 24 | std::uint64_t(p[1]) << 16 | std::uint64_t(p[2]) << 8 | p[3];
  };
  const std::uint64_t x = u32(4), y = u32(8), x0 = u32(12), y0 = u32(16);
  const std::uint64_t tw = u32(20), th = u32(24), tx0 = u32(28), ty0 = u32(32);
  if (x <= x0 || y <= y0 || tw == 0 || th == 0 || tx0 > x0 || ty0 > y0) return std::nullopt;  // OpenJPEG refuses it
  Siz s{x - x0, y - y0, tw, th, ((x - tx0 + tw - 1) / tw) * ((y - ty0 + th - 1) / th)};
  return s;
}

}  // namespace

Jpeg2000Image decode_jpeg2000(std::vector<std::uint8_t> bytes, const fs::path& file, const ReadLimits& limits,
                              std::optional<cv::Size> expected) {
  // A JP2 file starts with its signature box; a raw codestream with SOC, SIZ (FF4F FF51).
  static const std::uint8_t jp2_signature[] = {0, 0, 0, 0x0C, 'j', 'P', ' ', ' '};
  const bool jp2 = bytes.size() >= sizeof jp2_signature &&
                   std::equal(std::begin(jp2_signature), std::end(jp2_signature), bytes.begin());
  // The declared size against the limits and the caller's Rows x Columns: from SIZ before
  // OpenJPEG sees the stream, and again from OpenJPEG's header (the rule, where read_siz did
  // not find the marker).
  const auto check_size = [&](std::uint64_t width, std::uint64_t height) {
    check_declared_size(file, width, height, limits);
    if (expected && (width != std::uint64_t(expected->width) || height != std::uint64_t(expected->height)))
      throw file_error(file, "JPEG 2000 pixel data is " + std::to_string(width) + "x" + std::to_string(height) +
                                 ", Rows x Columns say " + std::to_string(expected->width) + "x" +
                                 std::to_string(expected->height));
  };
  if (const auto siz = read_siz(bytes)) {
    check_size(siz->width, siz->height);
    // Tiles under 64x64 pixels, many of them: no encoder writes those for an image.
    if (siz->tiles > 1 && siz->tile_width * siz->tile_height < 64 * 64)
      throw file_error(file, "JPEG 2000 pixel data in " + std::to_string(siz->tiles) + " tiles of " +
                                 std::to_string(siz->tile_width) + "x" + std::to_string(siz->tile_height) +
                                 " pixels is not read");
  }
  MemoryStream memory{&bytes};
  Stream stream = memory_stream(memory, true);
  Codec codec(opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K));
  std::string error;
  opj_set_error_handler(codec.get(), keep_error, &error);
  opj_set_warning_handler(codec.get(), ignore, nullptr);
  opj_set_info_handler(codec.get(), ignore, nullptr);
  opj_dparameters_t parameters;
  opj_set_default_decoder_parameters(&parameters);
  const auto fail = [&](const std::string& what) {
    return file_error(file, "cannot decode JPEG 2000 pixel data: " + (error.empty() ? what : error));
  };
  if (!opj_setup_decoder(codec.get(), &parameters)) throw fail("decoder setup failed");
  opj_image_t* header = nullptr;
  if (!opj_read_header(stream.get(), codec.get(), &header)) throw fail("unreadable header");
  Image image(header);
  const std::uint64_t width = image->x1 - image->x0, height = image->y1 - image->y0;
  check_size(width, height);  // before OpenJPEG allocates the samples
  if (image->numcomps != 1 && image->numcomps != 3)
    throw file_error(file, "JPEG 2000 pixel data with " + std::to_string(image->numcomps) +
                               " components (1 or 3 are read)");
  for (OPJ_UINT32 c = 0; c < image->numcomps; ++c)
    if (image->comps[c].dx != 1 || image->comps[c].dy != 1)
      throw file_error(file, "JPEG 2000 pixel data with subsampled components is not read");
  if (!opj_decode(codec.get(), stream.get(), image.get()) || !opj_end_decompress(codec.get(), stream.get()))
    throw fail("damaged or truncated stream");
  Jpeg2000Image out;
  out.precision = static_cast<int>(image->comps[0].prec);
  out.is_signed = image->comps[0].sgnd != 0;
  std::vector<cv::Mat> planes;
  for (OPJ_UINT32 c = 0; c < image->numcomps; ++c) {
    const opj_image_comp_t& comp = image->comps[c];
    if (!comp.data || comp.w != width || comp.h != height) throw fail("incomplete component");
    planes.push_back(cv::Mat(static_cast<int>(comp.h), static_cast<int>(comp.w), CV_32S, comp.data).clone());
  }
  cv::merge(planes, out.values);
  return out;
}

std::vector<std::uint8_t> encode_jpeg2000_lossless(const cv::Mat& values, int precision, bool is_signed) {
  CV_Assert(values.channels() == 1 && !values.empty());
  cv::Mat samples;
  values.convertTo(samples, CV_32S);
  opj_image_cmptparm_t component{};
  component.dx = component.dy = 1;
  component.w = static_cast<OPJ_UINT32>(samples.cols);
  component.h = static_cast<OPJ_UINT32>(samples.rows);
  component.prec = static_cast<OPJ_UINT32>(precision);
  component.sgnd = is_signed ? 1 : 0;
  Image image(opj_image_create(1, &component, OPJ_CLRSPC_GRAY));
  if (!image) throw Error("JPEG 2000: cannot create the image");
  image->x1 = component.w;
  image->y1 = component.h;
  for (int y = 0; y < samples.rows; ++y)
    std::memcpy(image->comps[0].data + static_cast<std::size_t>(y) * samples.cols, samples.ptr<int>(y),
                sizeof(int) * samples.cols);
  opj_cparameters_t parameters;
  opj_set_default_encoder_parameters(&parameters);
  parameters.tcp_numlayers = 1;
  parameters.tcp_rates[0] = 0;  // no rate target: lossless with the reversible 5/3 wavelet
  parameters.cp_disto_alloc = 1;
  parameters.irreversible = 0;
  // The coarsest resolution must keep at least a pixel: at most log2(shorter side) + 1 levels.
  int levels = 1;
  while (levels < 6 && (1 << levels) <= std::min(samples.rows, samples.cols)) ++levels;
  parameters.numresolution = levels;
  Codec codec(opj_create_compress(OPJ_CODEC_J2K));
  std::string error;
  opj_set_error_handler(codec.get(), keep_error, &error);
  opj_set_warning_handler(codec.get(), ignore, nullptr);
  opj_set_info_handler(codec.get(), ignore, nullptr);
  std::vector<std::uint8_t> bytes;
  MemoryStream memory{&bytes};
  Stream stream = memory_stream(memory, false);
  if (!opj_setup_encoder(codec.get(), &parameters, image.get()) ||
      !opj_start_compress(codec.get(), image.get(), stream.get()) || !opj_encode(codec.get(), stream.get()) ||
      !opj_end_compress(codec.get(), stream.get()))
    throw Error("JPEG 2000: cannot encode: " + error);
  return bytes;
}

}  // namespace xnet
