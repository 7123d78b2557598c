#include "storage/disk_store.h"

#include <algorithm>
#include <cerrno>
#include <functional>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/blocking.h"

namespace antcdn::storage {
namespace fs = std::filesystem;
namespace {

std::string errno_text(int err) {
  return std::error_code(err, std::system_category()).message();
}

// A full disk (or quota) is not an outage: retrying for minutes cannot help
// until someone frees space, so it is ResourceExhausted and says so.
Error io_error(std::string_view what, const std::string& key, int err) {
  std::string text = std::string(what) + " for \"" + key + "\": " + errno_text(err);
  if (err == ENOSPC || err == EDQUOT) {
    return make_error(Code::ResourceExhausted, "disk full: " + text);
  }
  return make_error(Code::Unavailable, std::move(text));
}

// What put() names its temp files: "." + target name + ".~" + mkostemp's six
// characters. '~' is not a key character, so no object is ever named so.
constexpr std::string_view kTempMarker = ".~";
constexpr size_t kTempSuffix = 6;

bool is_temp_name(const std::string& name) {
  return name.starts_with('.') && name.size() > kTempMarker.size() + kTempSuffix &&
         name.compare(name.size() - kTempSuffix - kTempMarker.size(), kTempMarker.size(),
                      kTempMarker) == 0;
}

Error invalid_key(const std::string& key) {
  return make_error(Code::InvalidArgument, "invalid object key \"" + key + "\"");
}

// Owns a file descriptor; close() reports the error that a deferred write
// (e.g. ENOSPC on some file systems) may only surface there.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int close() {
    int rc = ::close(std::exchange(fd_, -1));
    return rc == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

// Unlinks the temp file unless the rename consumed it.
class TempFileGuard {
 public:
  explicit TempFileGuard(std::string path) : path_(std::move(path)) {}
  ~TempFileGuard() {
    if (!path_.empty()) {
      ::unlink(path_.c_str());
    }
  }
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;
  void release() { path_.clear(); }

 private:
  std::string path_;
};

int write_all(int fd, ByteSpan data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    data = data.subspan(static_cast<size_t>(n));
  }
  return 0;
}

// Reads up to `length` bytes at `offset` (pread: the descriptor's position is
// not shared state); fewer at the end of the file. 0 or the errno.
int read_at(int fd, std::byte* out, size_t length, uint64_t offset, size_t& filled) {
  filled = 0;
  while (filled < length) {
    ssize_t n = ::pread(fd, out + filled, length - filled, static_cast<off_t>(offset + filled));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    if (n == 0) {
      break;  // cannot shrink under us (files are replaced, never truncated), but be safe
    }
    filled += static_cast<size_t>(n);
  }
  return 0;
}

// An object's open file and its size.
struct OpenObject {
  Fd fd;
  uint64_t size = 0;
};

Result<OpenObject> open_object(const std::filesystem::path& root, const std::string& key) {
  if (!is_valid_key(key)) {
    return invalid_key(key);
  }
  const std::string path = (root / key).string();
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return make_error(Code::NotFound, "no object \"" + key + "\"");
    }
    return io_error("open", key, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return io_error("stat", key, errno);
  }
  if (!S_ISREG(st.st_mode)) {
    // A directory is a prefix of other keys, not an object.
    return make_error(Code::NotFound, "no object \"" + key + "\"");
  }
  return OpenObject{std::move(fd), static_cast<uint64_t>(st.st_size)};
}

// "." + target name + ".~XXXXXX": what put() names its temp files beside `target`.
std::string temp_template(const fs::path& target) {
  // '~' is not a key character, so no get() can ever name a temp file, and the
  // leading dot keeps it out of directory listings by convention.
  std::string name = ".";
  name += target.filename().string();
  name += kTempMarker;
  name += "XXXXXX";
  return (target.parent_path() / name).string();
}

// Copies `from` into the open `to` in 1 MiB steps (put_file across file systems).
int copy_into(const fs::path& from, int to) {
  Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) {
    return errno;
  }
  Bytes buffer(size_t{1} << 20);
  for (uint64_t offset = 0;;) {
    size_t n = 0;
    if (int err = read_at(in.get(), buffer.data(), buffer.size(), offset, n); err != 0) {
      return err;
    }
    if (n == 0) {
      return 0;
    }
    if (int err = write_all(to, ByteSpan(buffer).first(n)); err != 0) {
      return err;
    }
    offset += n;
  }
}

// Writes a temp file beside `target` with `fill` (0 or an errno) and renames it
// over the target, so a reader (this process or nginx serving the same tree)
// sees the old object or the new one, never a torn one.
Status write_beside(const fs::path& target, const std::string& key,
                    const std::function<int(int fd)>& fill) {
  std::string temp = temp_template(target);
  Fd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd.valid()) {
    return io_error("create temp file", key, errno);
  }
  TempFileGuard guard(temp);
  // mkostemp creates 0600; media is public, and a web server may share the tree.
  if (::fchmod(fd.get(), 0644) != 0) {
    return io_error("chmod temp file", key, errno);
  }
  if (int err = fill(fd.get()); err != 0) {
    return io_error("write", key, err);
  }
  // No fsync: a live segment lost in a power cut is worthless anyway, and the
  // rename alone already gives readers the all-or-nothing view they need.
  if (int err = fd.close(); err != 0) {
    return io_error("close", key, err);
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    return io_error("rename", key, errno);
  }
  guard.release();
  return {};
}

}  // namespace

DiskStore::DiskStore(fs::path root) : root_(std::move(root)) {}

Result<size_t> DiskStore::sweep_temp_files(fs::file_time_type older_than) {
  assert_may_block("disk I/O");
  size_t removed = 0;
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) {
    return removed;  // nothing written yet
  }
  fs::recursive_directory_iterator it(root_, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || !is_temp_name(it->path().filename().string())) {
      continue;
    }
    // A newer one may be another process's write in progress on a shared tree.
    auto written = it->last_write_time(ec);
    if (!ec && written < older_than && fs::remove(it->path(), ec)) {
      ++removed;
    }
    ec.clear();
  }
  if (ec) {
    return make_error(Code::Unavailable,
                      "sweeping temp files under " + root_.string() + ": " + ec.message());
  }
  return removed;
}

Status DiskStore::put(const std::string& key, const ObjectPtr& object) {
  assert_may_block("disk I/O");
  if (Status s = check_put(key, object); !s.ok()) {
    return s;
  }
  const fs::path target = root_ / key;
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) {
    return io_error("create directory", key, ec.value());
  }
  return write_beside(target, key,
                      [&object](int fd) { return write_all(fd, ByteSpan(object->data)); });
}

Result<ObjectPtr> DiskStore::get(const std::string& key) {
  assert_may_block("disk I/O");
  auto file = open_object(root_, key);
  if (!file.ok()) {
    return file.error();
  }
  StoredObject object;
  object.data.resize(static_cast<size_t>(file->size));
  size_t filled = 0;
  if (int err = read_at(file->fd.get(), object.data.data(), object.data.size(), 0, filled);
      err != 0) {
    return io_error("read", key, err);
  }
  object.data.resize(filled);
  return ObjectPtr(std::make_shared<const StoredObject>(std::move(object)));
}

Result<ObjectRange> DiskStore::get_range(const std::string& key, uint64_t offset, size_t length) {
  assert_may_block("disk I/O");
  auto file = open_object(root_, key);
  if (!file.ok()) {
    return file.error();
  }
  ObjectRange out;
  out.total_size = file->size;
  if (offset >= file->size) {
    return out;
  }
  out.data.resize(static_cast<size_t>(std::min<uint64_t>(length, file->size - offset)));
  size_t filled = 0;
  if (int err = read_at(file->fd.get(), out.data.data(), out.data.size(), offset, filled);
      err != 0) {
    return io_error("read", key, err);
  }
  out.data.resize(filled);
  return out;
}

Status DiskStore::put_file(const std::string& key, const fs::path& file, const PutOptions&) {
  assert_may_block("disk I/O");
  if (!is_valid_key(key)) {
    return invalid_key(key);
  }
  const fs::path target = root_ / key;
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) {
    return io_error("create directory", key, ec.value());
  }
  // Same file system (a temp file under the root): one atomic rename, no copy.
  if (::chmod(file.c_str(), 0644) != 0) {
    return io_error("chmod " + file.string(), key, errno);
  }
  if (::rename(file.c_str(), target.c_str()) == 0) {
    return {};
  }
  if (errno != EXDEV) {
    return io_error("rename " + file.string(), key, errno);
  }
  // Another file system: copy beside the target, then rename, as put() does.
  return write_beside(target, key, [&file](int fd) { return copy_into(file, fd); });
}

Status DiskStore::remove(const std::string& key) {
  assert_may_block("disk I/O");
  if (!is_valid_key(key)) {
    return invalid_key(key);
  }
  const std::string path = (root_ / key).string();
  if (::unlink(path.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR && errno != EISDIR) {
    return io_error("unlink", key, errno);
  }
  return {};
}

Status DiskStore::remove_prefix(const std::string& prefix) {
  assert_may_block("disk I/O");
  if (!is_valid_prefix(prefix)) {
    return make_error(Code::InvalidArgument, "invalid object prefix \"" + prefix + "\"");
  }
  size_t slash = prefix.rfind('/');
  fs::path dir = slash == std::string::npos ? root_ : root_ / prefix.substr(0, slash);
  std::string stem = slash == std::string::npos ? prefix : prefix.substr(slash + 1);
  std::error_code ec;
  if (stem.empty()) {
    // An object named like the directory ("lse_x" for "lse_x/") is not under it.
    if (!fs::is_directory(fs::symlink_status(dir, ec))) {
      return {};
    }
    fs::remove_all(dir, ec);
    if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory) {
      return io_error("remove", prefix, ec.value());
    }
    return {};
  }
  // Collect first: removing entries while readdir() walks the directory is
  // allowed but leaves unspecified which entries the walk still reports.
  std::vector<fs::path> doomed;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (it->path().filename().string().starts_with(stem)) {
      doomed.push_back(it->path());
    }
  }
  if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory) {
    return io_error("list", prefix, ec.value());
  }
  for (const fs::path& p : doomed) {
    fs::remove_all(p, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return io_error("remove", prefix, ec.value());
    }
  }
  return {};
}

}  // namespace antcdn::storage
