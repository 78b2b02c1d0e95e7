#pragma once
// model.pt written without LibTorch, for the torch-free reader's tests and the fuzz seeds
// (fuzz/): a pickle in the subset LibTorch 1.13 writes for a module (globals, NEWOBJ + BUILD
// of a dict, strings, ints, _rebuild_tensor_v2 of persistent storages) and the zip around it.
#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <zip.h>

namespace xnet::test {

class PickleWriter {
 public:
  PickleWriter() { out_ += "\x80\x02"; }  // PROTO 2

  PickleWriter& raw(const std::string& bytes) { out_ += bytes; return *this; }
  PickleWriter& global(const std::string& module, const std::string& name) {
    out_ += 'c' + module + '\n' + name + '\n';
    return *this;
  }
  PickleWriter& str(const std::string& s) {
    if (s.size() < 256) {
      out_ += '\x8c';  // SHORT_BINUNICODE
      out_ += static_cast<char>(s.size());
    } else {
      out_ += 'X';  // BINUNICODE
      le(s.size(), 4);
    }
    out_ += s;
    return *this;
  }
  PickleWriter& integer(int64_t v) {
    if (v >= INT32_MIN && v <= INT32_MAX) {
      out_ += 'J';  // BININT
      le(static_cast<uint64_t>(v), 4);
    } else {
      out_ += "\x8a\x08";  // LONG1, 8 bytes
      le(static_cast<uint64_t>(v), 8);
    }
    return *this;
  }
  PickleWriter& ints(const std::vector<int64_t>& values) {  // a tuple of ints
    out_ += '(';
    for (auto v : values) integer(v);
    out_ += 't';
    return *this;
  }
  // An object of class __torch__.NAME whose state is a dict: the keys and values follow,
  // then end_object().
  PickleWriter& begin_object(const std::string& cls) {
    global("__torch__", cls);
    out_ += ")\x81}(";  // EMPTY_TUPLE NEWOBJ EMPTY_DICT MARK
    return *this;
  }
  PickleWriter& end_object() {
    out_ += "ub";  // SETITEMS BUILD
    return *this;
  }
  // torch._utils._rebuild_tensor_v2 of the float storage data/KEY.
  PickleWriter& tensor(const std::string& key, int64_t numel, int64_t offset, const std::vector<int64_t>& shape,
                       const std::vector<int64_t>& strides) {
    global("torch._utils", "_rebuild_tensor_v2");
    out_ += '(';
    out_ += '(';
    str("storage").global("torch", "FloatStorage").str(key).str("cpu").integer(numel);
    out_ += "tQ";  // TUPLE BINPERSID
    integer(offset).ints(shape).ints(strides);
    out_ += '\x89';  // NEWFALSE: requires_grad
    global("collections", "OrderedDict");
    out_ += ")Rt";  // EMPTY_TUPLE REDUCE TUPLE
    out_ += 'R';    // REDUCE
    return *this;
  }
  std::string finish() { return out_ + '.'; }

 private:
  void le(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xff);
  }
  std::string out_;
};

// Writes a zip holding ARCHIVE/data.pkl and ARCHIVE/data/KEY for each record (stored, not
// deflated), as LibTorch lays model.pt out.
inline void write_model_zip(const std::filesystem::path& file, const std::string& pickle,
                            const std::map<std::string, std::string>& records,
                            const std::string& archive = "archive") {
  int error = 0;
  zip_t* zip = zip_open(file.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (!zip) throw std::runtime_error("cannot create " + file.string());
  auto add = [&](const std::string& name, const std::string& bytes) {
    zip_source_t* source = zip_source_buffer(zip, bytes.data(), bytes.size(), 0);
    const auto index = source ? zip_file_add(zip, name.c_str(), source, ZIP_FL_OVERWRITE) : -1;
    if (index < 0) {
      zip_source_free(source);
      zip_discard(zip);
      throw std::runtime_error("cannot add " + name + " to " + file.string());
    }
    zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  };
  add(archive + "/data.pkl", pickle);
  for (const auto& [key, bytes] : records) add(archive + "/data/" + key, bytes);
  if (zip_close(zip) != 0) {
    zip_discard(zip);
    throw std::runtime_error("cannot write " + file.string());
  }
}

}  // namespace xnet::test
