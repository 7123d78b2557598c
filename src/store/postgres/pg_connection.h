#pragma once

// RAII over libpq: one connection, results that clear themselves, statements that
// only ever take their values as parameters ($1, $2, … sent as text, apart from
// the SQL). Errors come back as Result, never exceptions.

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

struct pg_conn;
struct pg_result;

namespace antcdn::store::postgres {

// One statement parameter in libpq's text format; nullopt is SQL NULL.
class Param {
 public:
  Param(std::string_view text) : value_(std::string(text)) {}  // NOLINT: implicit by design
  Param(const std::string& text) : value_(text) {}             // NOLINT
  Param(const char* text) : value_(std::string(text)) {}       // NOLINT
  Param(int64_t value) : value_(std::to_string(value)) {}      // NOLINT
  Param(std::optional<int64_t> value);                         // NOLINT
  // bytea in its hex input form ("\x0a1b…"), which the server parses the same
  // way whatever its settings.
  static Param bytea(ByteSpan data);

  const char* c_str() const { return value_ ? value_->c_str() : nullptr; }

 private:
  Param() = default;
  std::optional<std::string> value_;
};

// The rows of one statement, read as text (libpq's default result format).
class PgResult {
 public:
  PgResult() = default;  // no rows
  explicit PgResult(pg_result* res) : res_(res) {}

  int rows() const;
  // Rows changed by INSERT/UPDATE/DELETE.
  int64_t affected() const;

  bool is_null(int row, int col) const;
  std::string text(int row, int col) const;
  int64_t integer(int row, int col) const;  // 0 for NULL or a non-number
  std::optional<int64_t> optional_integer(int row, int col) const;
  Bytes bytea(int row, int col) const;

 private:
  friend class PgConnection;  // checks the status of the result it just wrapped
  struct Clear {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Clear> res_;
};

class PgConnection {
 public:
  // Connects to a postgres:// or postgresql:// URL (or a libpq key=value string).
  // `display` names the server in errors: the URL with its password redacted.
  // Every wait is bounded unless the URL says otherwise (its values win):
  // connect_timeout=2, statement_timeout=2000 ms, lock_timeout=1000 ms, TCP
  // keepalives (idle 5 s, interval 2 s, count 2) and tcp_user_timeout=5000 ms.
  static Result<PgConnection> open(const std::string& url, std::string display);

  // One statement. A server-side error is Conflict for integrity violations
  // (SQLSTATE class 23: unique, not-null, check), Internal for errors in our own
  // SQL (class 42) and Unavailable for everything else.
  Result<PgResult> exec(std::string_view sql, std::initializer_list<Param> params = {});
  Result<PgResult> exec(std::string_view sql, std::span<const Param> params);
  // Several statements without parameters (migrations: DDL only, no values).
  Status exec_script(std::string_view sql);

  // True once the connection is known to be unusable (server restarted or gone,
  // backend terminated); reset() then reconnects with the same parameters.
  bool broken() const;
  Status reset();
  // True when a transaction is open or failed (a guard was skipped): ROLLBACK it.
  bool in_transaction() const;

 private:
  struct Finish {
    void operator()(pg_conn* c) const;
  };
  PgConnection(pg_conn* conn, std::string display) : conn_(conn), display_(std::move(display)) {}
  Error error_from(pg_result* res, std::string_view sql);

  std::unique_ptr<pg_conn, Finish> conn_;
  std::string display_;
  bool broken_ = false;  // set on connection-class SQLSTATEs libpq may not flag itself
  static constexpr std::chrono::milliseconds kSlowConnect{500};
  static constexpr std::chrono::seconds kReconnectPause{5};
  std::chrono::steady_clock::time_point paused_until_{};
};

}  // namespace antcdn::store::postgres
