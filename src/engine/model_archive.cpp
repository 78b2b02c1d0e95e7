#include "engine/model_archive.hpp"

#include <cmath>
#include <cstring>
#include <functional>

#include <libdeflate.h>
#include <zip.h>

namespace xnet::engine {
namespace {

// A value of the pickle machine, only the kinds LibTorch's module pickles contain.
struct Value;
using ValuePtr = std::shared_ptr<Value>;
struct Value {
  enum class Kind { none, boolean, integer, real, string, tuple, dict, global, object, storage, tensor };
  Kind kind = Kind::none;
  int64_t integer = 0;
  double real = 0;
  std::string text;                                 // string; global "module.name"; object/storage type
  std::vector<ValuePtr> items;                      // tuple; tensor (storage, offset, shape, strides)
  std::vector<std::pair<ValuePtr, ValuePtr>> dict;  // dict; an object's attributes
};

ValuePtr make(Value::Kind kind) {
  auto v = std::make_shared<Value>();
  v->kind = kind;
  return v;
}

// Pickle protocol 2 (Python's pickletools lists the opcodes), the subset LibTorch 1.13's
// torch::jit::pickle writes for modules: globals, objects built from dicts, tuples, ints,
// floats, strings, persistent storage ids and _rebuild_tensor_v2 reductions.
class Unpickler {
 public:
  Unpickler(const std::string& bytes, const std::filesystem::path& file) : in_(bytes), file_(file) {}
  Unpickler(const Unpickler&) = delete;
  Unpickler& operator=(const Unpickler&) = delete;
  // A pickle can make values that contain themselves (a dict set into itself through the
  // memo): their links are cut here, or shared_ptr would never free them. The values run()
  // returned are empty after this.
  ~Unpickler() {
    for (const auto& v : made_) {
      v->items.clear();
      v->dict.clear();
    }
  }

  ValuePtr run() {
    while (true) {
      const auto op = byte();
      switch (op) {
        case 0x80: byte(); break;                    // PROTO
        case 0x95: bytes(8); break;                  // FRAME
        case '.': return pop();                      // STOP
        case 'c': global(); break;                   // GLOBAL
        case 'q': memo(byte()); break;               // BINPUT
        case 'r': memo(uint32()); break;             // LONG_BINPUT
        case 0x94: memo(memo_.size()); break;        // MEMOIZE
        case 'h': push(recall(byte())); break;       // BINGET
        case 'j': push(recall(uint32())); break;     // LONG_BINGET
        case '(': marks_.push_back(stack_.size()); break;  // MARK
        case ')': push(make(Value::Kind::tuple)); break;   // EMPTY_TUPLE
        case '}': push(make(Value::Kind::dict)); break;    // EMPTY_DICT
        case 'N': push(make(Value::Kind::none)); break;    // NONE
        case 0x88: push(boolean(true)); break;       // NEWTRUE
        case 0x89: push(boolean(false)); break;      // NEWFALSE
        case 'K': push(integer(byte())); break;      // BININT1
        case 'M': push(integer(uint16())); break;    // BININT2
        case 'J': push(integer(static_cast<int32_t>(uint32()))); break;  // BININT
        case 0x8a: push(integer(long1())); break;    // LONG1
        case 'G': push(real()); break;               // BINFLOAT
        case 'X': push(string(uint32())); break;     // BINUNICODE
        case 0x8c: push(string(byte())); break;      // SHORT_BINUNICODE
        case 't': push(tuple(take_marked())); break;  // TUPLE
        case 0x85: push(tuple(take(1))); break;      // TUPLE1
        case 0x86: push(tuple(take(2))); break;      // TUPLE2
        case 0x87: push(tuple(take(3))); break;      // TUPLE3
        case 's': set_items(take(2)); break;         // SETITEM
        case 'u': set_items(take_marked()); break;   // SETITEMS
        case 0x81: new_object(); break;              // NEWOBJ
        case 'R': reduce(); break;                   // REDUCE
        case 'b': build(); break;                    // BUILD
        case 'Q': persistent_id(); break;            // BINPERSID
        default: fail("pickle opcode 0x" + hex(op) + " is not one LibTorch writes for modules");
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw ArchiveError(file_error(file_, "data.pkl at byte " + std::to_string(pos_) + ": " + what).what());
  }
  static std::string hex(unsigned v) {
    const char* digits = "0123456789abcdef";
    return {digits[(v >> 4) & 15], digits[v & 15]};
  }
  unsigned byte() {
    if (pos_ >= in_.size()) fail("ends before STOP");
    return static_cast<unsigned char>(in_[pos_++]);
  }
  std::string bytes(std::size_t n) {
    if (in_.size() - pos_ < n) fail("ends inside a value");
    auto s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  uint64_t little_endian(std::size_t n) {
    const auto s = bytes(n);
    uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(s[i])) << (8 * i);
    return v;
  }
  unsigned uint16() { return static_cast<unsigned>(little_endian(2)); }
  uint32_t uint32() { return static_cast<uint32_t>(little_endian(4)); }
  int64_t long1() {  // n-byte two's complement, little-endian
    const auto n = byte();
    if (n > 8) fail("integer wider than 64 bits");
    if (n == 0) return 0;
    auto v = little_endian(n);
    if (n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t{0} << (8 * n);
    return static_cast<int64_t>(v);
  }
  ValuePtr real() {  // big-endian IEEE double
    const auto s = bytes(8);
    uint64_t bits = 0;
    for (char c : s) bits = (bits << 8) | static_cast<unsigned char>(c);
    auto v = make(Value::Kind::real);
    std::memcpy(&v->real, &bits, sizeof bits);
    return v;
  }
  static ValuePtr boolean(bool b) {
    auto v = make(Value::Kind::boolean);
    v->integer = b;
    return v;
  }
  static ValuePtr integer(int64_t i) {
    auto v = make(Value::Kind::integer);
    v->integer = i;
    return v;
  }
  ValuePtr string(std::size_t n) {
    auto v = make(Value::Kind::string);
    v->text = bytes(n);
    return v;
  }
  static ValuePtr tuple(std::vector<ValuePtr> items) {
    auto v = make(Value::Kind::tuple);
    v->items = std::move(items);
    return v;
  }
  std::string line() {
    const auto end = in_.find('\n', pos_);
    if (end == std::string::npos) fail("GLOBAL without a newline");
    auto s = in_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return s;
  }
  void global() {
    auto v = make(Value::Kind::global);
    const auto module = line();
    v->text = module + "." + line();
    push(v);
  }

  void push(ValuePtr v) {  // every value is pushed when it is made
    made_.push_back(v);
    stack_.push_back(std::move(v));
  }
  ValuePtr pop() {
    if (stack_.size() <= (marks_.empty() ? 0 : marks_.back())) fail("stack underflow");
    auto v = std::move(stack_.back());
    stack_.pop_back();
    return v;
  }
  std::vector<ValuePtr> take(std::size_t n) {
    if (stack_.size() < n + (marks_.empty() ? 0 : marks_.back())) fail("stack underflow");
    std::vector<ValuePtr> items(stack_.end() - static_cast<std::ptrdiff_t>(n), stack_.end());
    stack_.resize(stack_.size() - n);
    return items;
  }
  std::vector<ValuePtr> take_marked() {
    if (marks_.empty()) fail("no MARK");
    const auto mark = marks_.back();
    marks_.pop_back();
    std::vector<ValuePtr> items(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
    stack_.resize(mark);
    return items;
  }
  void memo(std::size_t index) {
    if (stack_.empty()) fail("memo of an empty stack");
    memo_[index] = stack_.back();
  }
  ValuePtr recall(std::size_t index) {
    const auto found = memo_.find(index);
    if (found == memo_.end()) fail("memo " + std::to_string(index) + " read before it was written");
    return found->second;
  }

  void set_items(std::vector<ValuePtr> items) {
    if (items.size() % 2) fail("odd number of dict items");
    if (stack_.empty() || stack_.back()->kind != Value::Kind::dict) fail("SETITEMS on something not a dict");
    auto& dict = stack_.back()->dict;
    for (std::size_t i = 0; i < items.size(); i += 2) dict.emplace_back(items[i], items[i + 1]);
  }
  void new_object() {
    pop();  // the constructor's arguments: () for LibTorch's modules
    const auto cls = pop();
    if (cls->kind != Value::Kind::global) fail("NEWOBJ of something not a class");
    auto v = make(Value::Kind::object);
    v->text = cls->text;
    push(v);
  }
  void build() {
    const auto state = pop();
    if (stack_.empty()) fail("BUILD without an object");
    auto& target = *stack_.back();
    if (target.kind == Value::Kind::object && state->kind == Value::Kind::dict) target.dict = state->dict;
    // Anything else (a tensor's backward hooks, a plain object's state) carries no weights.
  }
  void persistent_id() {
    // ('storage', torch.FloatStorage, key, location, numel): the record data/KEY.
    const auto id = pop();
    if (id->kind != Value::Kind::tuple || id->items.size() < 3 || id->items[1]->kind != Value::Kind::global ||
        id->items[2]->kind != Value::Kind::string)
      fail("persistent id is not a LibTorch storage");
    auto v = make(Value::Kind::storage);
    v->text = id->items[1]->text;
    v->items = {id->items[2]};
    push(v);
  }
  void reduce() {
    const auto args = pop();
    const auto callable = pop();
    if (callable->kind != Value::Kind::global || args->kind != Value::Kind::tuple) fail("REDUCE of something not a global");
    if (callable->text == "torch._utils._rebuild_tensor_v2") {
      // (storage, storage_offset, size, stride, requires_grad, backward_hooks)
      if (args->items.size() < 4 || args->items[0]->kind != Value::Kind::storage) fail("tensor without a storage");
      auto v = make(Value::Kind::tensor);
      v->items.assign(args->items.begin(), args->items.begin() + 4);
      push(v);
    } else if (callable->text == "collections.OrderedDict") {
      push(make(Value::Kind::dict));
    } else {
      fail("calls " + callable->text + ", which is not a tensor");
    }
  }

  const std::string& in_;
  const std::filesystem::path& file_;
  std::size_t pos_ = 0;
  std::vector<ValuePtr> stack_;
  std::vector<std::size_t> marks_;
  std::map<std::size_t, ValuePtr> memo_;
  std::vector<ValuePtr> made_;
};

std::vector<int64_t> integers(const Value& tuple, const std::filesystem::path& file) {
  std::vector<int64_t> out;
  if (tuple.kind != Value::Kind::tuple) throw ArchiveError(file_error(file, "tensor shape is not a tuple").what());
  for (const auto& item : tuple.items) {
    if (item->kind != Value::Kind::integer) throw ArchiveError(file_error(file, "tensor shape is not integers").what());
    out.push_back(item->integer);
  }
  return out;
}

}  // namespace

int64_t FloatTensor::numel() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

struct ModelArchive::Zip {
  zip_t* handle = nullptr;
  ~Zip() {
    if (handle) zip_discard(handle);  // opened read-only: nothing to write back
  }
  // The record's stat, its declared size checked against what the file can hold (its
  // compressed bytes within the file, deflate expanding them at most 1032:1; LibTorch stores
  // records uncompressed), so that a forged size cannot make the reader allocate gigabytes.
  zip_stat_t stat(const std::string& name, const std::filesystem::path& file) const {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(handle, name.c_str(), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
      throw ArchiveError(file_error(file, "archive has no record " + name).what());
    std::error_code ec;
    const auto file_size = std::filesystem::file_size(file, ec);
    const bool stored = (st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method == ZIP_CM_STORE;
    if (ec || !(st.valid & ZIP_STAT_COMP_SIZE) || st.comp_size > file_size ||
        st.size / (stored ? 1 : 1032) > st.comp_size)
      throw Error(file_error(file, "record " + name + " declares " + std::to_string(st.size) +
                                       " bytes, more than the file holds (corrupt or truncated)").what());
    return st;
  }
  zip_uint64_t size(const std::string& name, const std::filesystem::path& file) const { return stat(name, file).size; }
  // Reads the whole record into `to` (its size bytes) and checks it against the CRC-32 the zip
  // stores: LibTorch's own reader does not, and one flipped bit in a weight changes every mask.
  void read(const std::string& name, void* to, zip_uint64_t bytes, const std::filesystem::path& file) const {
    const auto st = stat(name, file);
    if (st.size != bytes) throw Error(file_error(file, "record " + name + " is not the size its tensor needs").what());
    zip_file_t* f = zip_fopen(handle, name.c_str(), 0);
    if (!f) throw ArchiveError(file_error(file, "cannot open record " + name).what());
    const auto got = zip_fread(f, to, bytes);
    zip_fclose(f);
    if (got < 0 || static_cast<zip_uint64_t>(got) != bytes)
      throw Error(file_error(file, "record " + name + " is truncated or corrupt").what());
    if ((st.valid & ZIP_STAT_CRC) && libdeflate_crc32(0, to, bytes) != st.crc)
      throw Error(file_error(file, "record " + name + " is corrupt (its CRC-32 does not match: the file was damaged)").what());
  }
  std::string read(const std::string& name, const std::filesystem::path& file) const {
    std::string bytes(size(name, file), '\0');
    read(name, bytes.data(), bytes.size(), file);
    return bytes;
  }
};

ModelArchive::ModelArchive(const std::filesystem::path& path) : path_(path), zip_(std::make_unique<Zip>()) {
  if (!std::filesystem::is_regular_file(path)) throw file_error(path, "no such model file");
  int error = 0;
  zip_->handle = zip_open(path.c_str(), ZIP_RDONLY, &error);
  if (!zip_->handle) throw file_error(path, "not an xnet model file (not a LibTorch archive: unreadable or truncated)");
  // LibTorch names every record "ARCHIVE/...", ARCHIVE being the file name it was written as.
  const auto entries = zip_get_num_entries(zip_->handle, 0);
  for (zip_int64_t i = 0; i < entries && prefix_.empty(); ++i) {
    const char* entry = zip_get_name(zip_->handle, static_cast<zip_uint64_t>(i), 0);
    if (!entry) continue;
    const std::string name = entry;
    const auto slash = name.find('/');
    if (slash != std::string::npos && name.substr(slash + 1) == "data.pkl") prefix_ = name.substr(0, slash + 1);
  }
  if (prefix_.empty()) throw file_error(path, "not an xnet model file (a zip without LibTorch's data.pkl)");
  // Every record but the tensor storages (checked as they are read) is small: checked here.
  for (zip_int64_t i = 0; i < entries; ++i) {
    const char* entry = zip_get_name(zip_->handle, static_cast<zip_uint64_t>(i), 0);
    const std::string name = entry ? entry : "";
    if (!name.empty() && name.rfind(prefix_ + "data/", 0) != 0 && name.back() != '/') zip_->read(name, path);
  }

  const auto pickle = zip_->read(prefix_ + "data.pkl", path);
  Unpickler unpickler(pickle, path);  // owns the values until the constructor is done with them
  const auto root = unpickler.run();
  if (root->kind != Value::Kind::object) throw ArchiveError(file_error(path, "data.pkl holds no module").what());

  std::map<std::string, ValuePtr> attributes;
  // Modules nest a few levels deep; a pickle whose objects contain themselves is not one. Nor
  // is one that lists a module object many times over (each time adds its entries again: 31
  // levels of two references each are 2^31 entries).
  constexpr int kMaxDepth = 32;
  constexpr std::size_t kMaxEntries = 1 << 16;
  std::size_t visited = 0;
  std::function<void(const Value&, const std::string&, int)> walk = [&](const Value& module, const std::string& prefix,
                                                                        int depth) {
    if (depth > kMaxDepth) throw ArchiveError(file_error(path, "data.pkl nests modules deeper than " + std::to_string(kMaxDepth)).what());
    for (const auto& [key, value] : module.dict) {
      if (++visited > kMaxEntries)
        throw ArchiveError(file_error(path, "data.pkl lists more than " + std::to_string(kMaxEntries) + " module entries").what());
      if (key->kind != Value::Kind::string) continue;
      const auto name = prefix + key->text;
      if (value->kind == Value::Kind::object) {
        walk(*value, name + ".", depth + 1);
      } else if (value->kind == Value::Kind::tensor) {
        const auto& storage = *value->items[0];
        if (value->items[1]->kind != Value::Kind::integer)
          throw ArchiveError(file_error(path, name + ": tensor offset is not an integer").what());
        TensorRecord record{storage.items[0]->text, storage.text, value->items[1]->integer,
                            integers(*value->items[2], path), integers(*value->items[3], path)};
        bool valid = record.offset >= 0 && record.shape.size() == record.strides.size() && record.shape.size() <= 8;
        // Elements and offset within 2^40 (4 TiB of floats), so that no product or sum of
        // them overflows; the product of the non-zero sizes, since the strides' check
        // multiplies those whatever the element count.
        constexpr int64_t kMaxElements = int64_t{1} << 40;
        int64_t product = 1;
        for (auto d : record.shape) {
          valid = valid && d >= 0 && d < (int64_t{1} << 32) && (d == 0 || product <= kMaxElements / d);
          if (valid && d > 0) product *= d;
        }
        valid = valid && record.offset <= kMaxElements;
        if (!valid) throw ArchiveError(file_error(path, name + ": impossible tensor shape, strides or offset").what());
        tensors_[name] = std::move(record);
      } else if (prefix.empty()) {
        attributes[name] = value;
      }
    }
  };
  walk(*root, "", 0);

  auto attribute = [&](const char* key, Value::Kind kind) -> const Value* {
    const auto found = attributes.find(key);
    return found != attributes.end() && found->second->kind == kind ? found->second.get() : nullptr;
  };
  const auto* magic = attribute(engine::kMagicRecord, Value::Kind::string);
  const auto* version = attribute(engine::kVersionRecord, Value::Kind::integer);
  const auto* description = attribute(engine::kDescriptionRecord, Value::Kind::string);
  description_ = engine::description_from_records(path, magic ? &magic->text : nullptr,
                                                  version ? &version->integer : nullptr,
                                                  description ? &description->text : nullptr);
}

ModelArchive::~ModelArchive() = default;

std::vector<std::string> ModelArchive::tensor_names() const {
  std::vector<std::string> names;
  for (const auto& [name, _] : tensors_) names.push_back(name);
  return names;
}

void ModelArchive::verify_storages() const {
  const auto entries = zip_get_num_entries(zip_->handle, 0);
  std::vector<char> buffer;
  for (zip_int64_t i = 0; i < entries; ++i) {
    const char* entry = zip_get_name(zip_->handle, static_cast<zip_uint64_t>(i), 0);
    if (!entry || std::string(entry).rfind(prefix_ + "data/", 0) != 0) continue;
    buffer.resize(zip_->size(entry, path_));
    zip_->read(entry, buffer.data(), buffer.size(), path_);
  }
}

FloatTensor ModelArchive::read_float(const std::string& name) const {
  const auto found = tensors_.find(name);
  if (found == tensors_.end()) throw ArchiveError(file_error(path_, "no tensor " + name).what());
  const auto& record = found->second;
  if (record.storage_type != "torch.FloatStorage")
    throw ArchiveError(file_error(path_, name + " is a " + record.storage_type + ", not float32").what());
  FloatTensor tensor;
  tensor.shape = record.shape;
  int64_t expected_stride = 1;
  for (std::size_t d = record.shape.size(); d-- > 0;) {
    if (record.shape[d] != 1 && record.strides[d] != expected_stride)
      throw ArchiveError(file_error(path_, name + " is not stored contiguously").what());
    expected_stride *= record.shape[d];
  }
  const auto record_name = prefix_ + "data/" + record.storage_key;
  const auto stored = zip_->size(record_name, path_);
  const auto count = tensor.numel();
  if (record.offset < 0 || static_cast<zip_uint64_t>((record.offset + count) * 4) > stored)
    throw Error(file_error(path_, name + " reaches past its storage record").what());
  tensor.values.resize(static_cast<std::size_t>(count));
  if (count == 0) return tensor;  // nothing to copy (and no buffer to copy it to)
  try {
    if (record.offset == 0 && static_cast<zip_uint64_t>(count) * 4 == stored) {
      // every parameter LibTorch saves: straight into place, one copy
      zip_->read(record_name, tensor.values.data(), stored, path_);
    } else {
      const auto bytes = zip_->read(record_name, path_);
      std::memcpy(tensor.values.data(), bytes.data() + record.offset * 4, static_cast<std::size_t>(count) * 4);
    }
  } catch (const ArchiveError&) {
    throw;
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + " (the storage of " + name + ")");
  }
  for (const float v : tensor.values)
    if (!std::isfinite(v)) throw Error(file_error(path_, name + " holds NaN or infinite weights").what());
  return tensor;
}

}  // namespace xnet::engine
