#include "app/store_factory.h"

#include <filesystem>

namespace antcdn::app {

Result<std::unique_ptr<store::sqlite::SqliteStore>> open_store(const Config& config) {
  std::filesystem::path path = config.sqlite_path();
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return make_error(Code::Unavailable,
                        "cannot create " + path.parent_path().string() + ": " + ec.message());
    }
  }
  auto store = store::sqlite::SqliteStore::open(path.string());
  if (!store.ok()) {
    return store.error().with_context("database " + path.string());
  }
  return store;
}

}  // namespace antcdn::app
