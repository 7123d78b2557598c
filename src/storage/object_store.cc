#include "storage/object_store.h"

#include <algorithm>
#include <fstream>
#include <system_error>

namespace antcdn::storage {
namespace {

// S3's own limit; also keeps a hostile edge path from building huge file names.
constexpr size_t kMaxKeyBytes = 1024;

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool is_valid_segment(std::string_view s) {
  if (s.empty() || s == "." || s == "..") {
    return false;
  }
  for (char c : s) {
    if (!is_key_char(c)) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool is_valid_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyBytes) {
    return false;
  }
  // Splitting on every '/' makes "/abs", "a//b" and "a/" fail on their empty segment.
  size_t pos = 0;
  while (true) {
    size_t slash = key.find('/', pos);
    if (!is_valid_segment(key.substr(pos, slash - pos))) {
      return false;
    }
    if (slash == std::string_view::npos) {
      return true;
    }
    pos = slash + 1;
  }
}

bool is_valid_prefix(std::string_view prefix) {
  if (prefix.ends_with('/')) {
    prefix.remove_suffix(1);
  }
  return is_valid_key(prefix);
}

Status check_put(const std::string& key, const ObjectPtr& object) {
  if (!is_valid_key(key)) {
    return make_error(Code::InvalidArgument, "invalid object key \"" + key + "\"");
  }
  if (!object) {
    return make_error(Code::InvalidArgument, "no object to put at \"" + key + "\"");
  }
  return {};
}

Status ObjectStore::remove_many(const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    if (Status s = remove(key); !s.ok()) {
      return s;
    }
  }
  return {};
}

Result<ObjectRange> ObjectStore::get_range(const std::string& key, uint64_t offset, size_t length) {
  auto whole = get(key);
  if (!whole.ok()) {
    return whole.error();
  }
  return slice_range((*whole)->data, offset, length);
}

ObjectRange slice_range(const Bytes& data, uint64_t offset, size_t length) {
  ObjectRange out;
  out.total_size = data.size();
  if (offset < data.size()) {
    size_t n = std::min<uint64_t>(length, data.size() - offset);
    auto first = data.begin() + static_cast<ptrdiff_t>(offset);
    out.data.assign(first, first + static_cast<ptrdiff_t>(n));
  }
  return out;
}

Status ObjectStore::put_file(const std::string& key, const std::filesystem::path& file,
                             const PutOptions& options) {
  auto bytes = read_whole_file(file);
  if (!bytes.ok()) {
    return bytes.error();
  }
  return put(key, make_object(std::move(*bytes), options));
}

Result<Bytes> read_whole_file(const std::filesystem::path& file) {
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  std::ifstream in(file, std::ios::binary);
  if (ec || !in) {
    return make_error(Code::Unavailable,
                      "reading " + file.string() + ": " + (ec ? ec.message() : "cannot open"));
  }
  Bytes data(size);
  in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(size));
  if (static_cast<uintmax_t>(in.gcount()) != size) {
    return make_error(Code::Unavailable, "reading " + file.string() + ": short read");
  }
  return data;
}

}  // namespace antcdn::storage
