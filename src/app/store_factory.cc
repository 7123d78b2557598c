#include "app/store_factory.h"

#include <filesystem>

#include "store/postgres/pg_store.h"
#include "store/postgres/pg_url.h"
#include "store/sqlite/sqlite_store.h"

namespace antcdn::app {
namespace {

Result<std::unique_ptr<store::Store>> open_sqlite(const std::string& file) {
  std::filesystem::path path = file;
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
  return std::unique_ptr<store::Store>(std::move(*store));
}

Result<std::unique_ptr<store::Store>> open_postgres(const std::string& url) {
  // Errors name the database by its redacted URL already (it may carry a password).
  auto store = store::postgres::PgStore::open(url);
  if (!store.ok()) {
    return store.error();
  }
  return std::unique_ptr<store::Store>(std::move(*store));
}

}  // namespace

Result<std::unique_ptr<store::Store>> open_store(const Config& config) {
  std::string url = config.database_url();
  if (!config.sqlite_path().empty()) {
    return open_sqlite(config.sqlite_path());
  }
  if (store::postgres::is_postgres_url(url)) {
    return open_postgres(url);
  }
  return make_error(Code::InvalidArgument,
                    "--database: expected sqlite://PATH or postgres://USER@HOST:PORT/DB, got '" +
                        store::postgres::redact_url(url) + "'");
}

}  // namespace antcdn::app
