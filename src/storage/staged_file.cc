#include "storage/staged_file.h"

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace antcdn::storage {

Result<StagedFile> StagedFile::create(const std::filesystem::path& dir, std::string_view name) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return make_error(Code::Unavailable, "creating " + dir.string() + ": " + ec.message());
  }
  std::string path = (dir / ("." + std::string(name) + ".~XXXXXX")).string();
  int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) {
    return make_error(Code::Unavailable,
                      "creating a temp file in " + dir.string() + ": " +
                          std::error_code(errno, std::system_category()).message());
  }
  ::close(fd);  // the writer opens it by name
  return StagedFile(std::move(path));
}

StagedFile::StagedFile(StagedFile&& other) noexcept : path_(std::exchange(other.path_, {})) {}

StagedFile::~StagedFile() {
  if (!path_.empty()) {
    ::unlink(path_.c_str());  // ENOENT once put_file renamed it away
  }
}

}  // namespace antcdn::storage
