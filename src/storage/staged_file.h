#pragma once

// A temp file to build a large object in before ObjectStore::put_file stores
// it (a recording's MP4): created empty in `dir`, removed when this goes out
// of scope, however the job ends (put_file may have renamed it away already:
// then there is nothing left to remove). Named like DiskStore's own temp files
// (".{name}.~XXXXXX"), so DiskStore::sweep_temp_files removes one a crash left
// under the store's root.

#include <filesystem>
#include <string_view>

#include "common/result.h"

namespace antcdn::storage {

class StagedFile {
 public:
  // Creates `dir` if needed. Unavailable (with the errno text) when it cannot.
  static Result<StagedFile> create(const std::filesystem::path& dir, std::string_view name);
  ~StagedFile();
  StagedFile(StagedFile&& other) noexcept;
  StagedFile& operator=(StagedFile&&) = delete;
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit StagedFile(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace antcdn::storage
