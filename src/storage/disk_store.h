#pragma once

// ObjectStore on a local directory: one file per key under `root`. A put writes
// a temp file beside the target and renames it over the target, so a reader
// (this process or nginx serving the same tree) sees the old object or the new
// one, never a torn one. Content type and cache control are not persisted: the
// edge derives them from the key (edge/cache_policy.h), so get() returns empty
// PutOptions.

#include <filesystem>
#include <string>

#include "storage/object_store.h"

namespace antcdn::storage {

class DiskStore final : public ObjectStore {
 public:
  // `root` is created on the first put if it does not exist.
  explicit DiskStore(std::filesystem::path root);

  // InvalidArgument for an invalid key; ResourceExhausted ("disk full: ...")
  // on ENOSPC or EDQUOT; Unavailable (with the errno text) when the file system
  // refuses otherwise: permissions, a file where a directory should be.
  Status put(const std::string& key, const ObjectPtr& object) override;
  Result<ObjectPtr> get(const std::string& key) override;
  // pread of just the range.
  Result<ObjectRange> get_range(const std::string& key, uint64_t offset, size_t length) override;
  // Renames `file` onto the key (atomic, no copy) when it is on the root's file
  // system (put it under staging_dir()); otherwise copies it beside the key
  // and renames that, as put() does. The options are not kept (see above).
  Status put_file(const std::string& key, const std::filesystem::path& file,
                  const PutOptions& options) override;
  Status remove(const std::string& key) override;
  // "lse_x/" removes the directory lse_x; a prefix not ending in '/' scans its
  // parent directory for names that start with the last segment.
  Status remove_prefix(const std::string& prefix) override;

  // Removes the temp files of writes that never finished (the process was
  // killed between write and rename) if they were last written before
  // `older_than`, so a concurrent writer's are left alone. Call at start;
  // returns how many it removed.
  Result<size_t> sweep_temp_files(std::filesystem::file_time_type older_than);

  const std::filesystem::path& root() const { return root_; }
  // "{root}/.~staging": where to build a file that put_file will rename into
  // place (same file system). No key can name it ('~' is not a key
  // character); sweep_temp_files also removes what a crash left there.
  std::filesystem::path staging_dir() const { return root_ / ".~staging"; }

 private:
  std::filesystem::path root_;
};

}  // namespace antcdn::storage
