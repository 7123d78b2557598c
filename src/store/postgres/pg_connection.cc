#include "store/postgres/pg_connection.h"

#include <array>
#include <charconv>
#include <vector>

#include <libpq-fe.h>

#include "common/crypto.h"
#include "store/postgres/pg_url.h"

namespace antcdn::store::postgres {
namespace {

// libpq messages end in a newline and continue on tab-indented lines.
std::string one_line(const char* message) {
  std::string out;
  for (const char* p = message ? message : ""; *p != '\0'; ++p) {
    if (*p == '\n' || *p == '\t') {
      if (!out.empty() && out.back() != ' ') {
        out.push_back(' ');
      }
    } else {
      out.push_back(*p);
    }
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out.empty() ? "unknown error" : out;
}

// The server would otherwise have libpq print notices ("relation … already
// exists, skipping") on stderr; they are informational only.
void ignore_notice(void* /*arg*/, const char* /*message*/) {}

bool connection_class(std::string_view sqlstate) {
  // 08: connection exceptions; 57P01..57P03: admin/crash shutdown, cannot connect now.
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

struct FreeMem {
  void operator()(unsigned char* p) const { PQfreemem(p); }
};

struct FreeConninfo {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};

// The value `keyword` has in a PQconninfoParse() result, or nullptr when unset.
const char* conninfo_value(const PQconninfoOption* options, std::string_view keyword) {
  for (const auto* o = options; o->keyword != nullptr; ++o) {
    if (o->keyword == keyword) {
      return o->val;
    }
  }
  return nullptr;
}

// Every wait on the database is bounded, so that an API call answers (503)
// within about 3 s when the server does not: a connection attempt gives up
// after 2 s, a statement after 2 s, a wait for another node's row lock after
// 1 s, and a server or network that vanished mid-query is noticed within
// 5 s (unacknowledged data) or 5 + 2 * 2 s (an idle connection).
struct Setting {
  const char* keyword;
  const char* value;
};
constexpr std::array<Setting, 7> kClientDefaults = {{
    {"connect_timeout", "2"},
    {"keepalives", "1"},
    {"keepalives_idle", "5"},
    {"keepalives_interval", "2"},
    {"keepalives_count", "2"},
    {"tcp_user_timeout", "5000"},
    {"application_name", "antcdn"},
}};
constexpr std::string_view kServerDefaults = "-c statement_timeout=2000 -c lock_timeout=1000";

}  // namespace

Param::Param(std::optional<int64_t> value) {
  if (value) {
    value_ = std::to_string(*value);
  }
}

Param Param::bytea(ByteSpan data) {
  Param p;
  p.value_ = "\\x" + crypto::hex(data);
  return p;
}

void PgResult::Clear::operator()(pg_result* r) const {
  PQclear(r);
}

int PgResult::rows() const {
  return res_ ? PQntuples(res_.get()) : 0;
}

int64_t PgResult::affected() const {
  if (!res_) {
    return 0;
  }
  std::string_view n = PQcmdTuples(res_.get());
  int64_t v = 0;
  std::from_chars(n.data(), n.data() + n.size(), v);
  return v;
}

bool PgResult::is_null(int row, int col) const {
  return PQgetisnull(res_.get(), row, col) != 0;
}

std::string PgResult::text(int row, int col) const {
  return {PQgetvalue(res_.get(), row, col), static_cast<size_t>(PQgetlength(res_.get(), row, col))};
}

int64_t PgResult::integer(int row, int col) const {
  const char* p = PQgetvalue(res_.get(), row, col);
  int64_t v = 0;
  std::from_chars(p, p + PQgetlength(res_.get(), row, col), v);
  return v;
}

std::optional<int64_t> PgResult::optional_integer(int row, int col) const {
  if (is_null(row, col)) {
    return std::nullopt;
  }
  return integer(row, col);
}

Bytes PgResult::bytea(int row, int col) const {
  if (is_null(row, col)) {
    return {};
  }
  size_t n = 0;
  // Handles both bytea_output formats (hex and escape), whichever the server uses.
  std::unique_ptr<unsigned char, FreeMem> raw(PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(res_.get(), row, col)), &n));
  if (!raw) {
    return {};
  }
  const auto* p = reinterpret_cast<const std::byte*>(raw.get());
  return {p, p + n};
}

void PgConnection::Finish::operator()(pg_conn* c) const {
  PQfinish(c);
}

Result<PgConnection> PgConnection::open(const std::string& url, std::string display) {
  if (has_raw_at_in_password(url)) {
    return make_error(Code::InvalidArgument,
                      "a raw '@' in the URL's user or password must be written as %40");
  }
  char* parse_error = nullptr;
  std::unique_ptr<PQconninfoOption, FreeConninfo> parsed(
      PQconninfoParse(url.c_str(), &parse_error));
  // libpq's parse message can quote a fragment of the URL (a password included),
  // so it is not passed on.
  PQfreemem(parse_error);
  if (!parsed) {
    return make_error(Code::InvalidArgument, "not a valid PostgreSQL URL");
  }
  // Server settings travel in the startup packet's options, where a later -c
  // overrides an earlier one: ours first, then whatever the URL's own options say.
  std::string options(kServerDefaults);
  if (const char* own = conninfo_value(parsed.get(), "options"); own != nullptr) {
    options.append(" ").append(own);
  }

  // The client defaults go before "dbname": libpq expands the URL in its place,
  // so anything the URL sets itself (e.g. ?connect_timeout=30) overrides them.
  // "options" goes after it, already merged.
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  for (const auto& [keyword, value] : kClientDefaults) {
    keywords.push_back(keyword);
    values.push_back(value);
  }
  keywords.insert(keywords.end(), {"dbname", "options", nullptr});
  values.insert(values.end(), {url.c_str(), options.c_str(), nullptr});
  PgConnection conn(PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/1),
                    std::move(display));
  if (!conn.conn_) {
    return make_error(Code::Unavailable, "postgres: out of memory");
  }
  if (PQstatus(conn.conn_.get()) != CONNECTION_OK) {
    // libpq's message names the host and port; callers add the (redacted) URL.
    return make_error(Code::Unavailable,
                      "cannot connect: " + one_line(PQerrorMessage(conn.conn_.get())));
  }
  PQsetNoticeProcessor(conn.conn_.get(), ignore_notice, nullptr);
  return conn;
}

Error PgConnection::error_from(pg_result* res, std::string_view sql) {
  if (res == nullptr || PQstatus(conn_.get()) == CONNECTION_BAD) {
    broken_ = true;
    return make_error(Code::Unavailable,
                      "postgres " + display_ + ": " + one_line(PQerrorMessage(conn_.get())));
  }
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  std::string_view sqlstate = state ? state : "";
  // The primary message only: DETAIL lines quote row values (key hashes).
  const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  std::string message = one_line(primary ? primary : PQresultErrorMessage(res));
  if (!sqlstate.empty()) {
    message += " (SQLSTATE " + std::string(sqlstate) + ")";
  }
  if (connection_class(sqlstate)) {
    broken_ = true;
    return make_error(Code::Unavailable, "postgres " + display_ + ": " + message);
  }
  if (sqlstate.starts_with("23")) {
    return make_error(Code::Conflict, "constraint: " + message);
  }
  if (sqlstate.starts_with("42")) {
    // Our own SQL or schema is wrong: retrying cannot help.
    return make_error(Code::Internal, "postgres: " + message + " in: " + std::string(sql));
  }
  return make_error(Code::Unavailable, "postgres: " + message);
}

Result<PgResult> PgConnection::exec(std::string_view sql, std::initializer_list<Param> params) {
  return exec(sql, std::span<const Param>(params.begin(), params.size()));
}

Result<PgResult> PgConnection::exec(std::string_view sql, std::span<const Param> params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) {
    values.push_back(p.c_str());
  }
  std::string text(sql);
  // Owned from here on, whatever happens below.
  PgResult res(PQexecParams(conn_.get(), text.c_str(), static_cast<int>(values.size()), nullptr,
                            values.data(), nullptr, nullptr, /*resultFormat=*/0));
  auto status = res.res_ ? PQresultStatus(res.res_.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return error_from(res.res_.get(), sql);
  }
  return res;
}

Status PgConnection::exec_script(std::string_view sql) {
  std::string text(sql);
  PgResult res(PQexec(conn_.get(), text.c_str()));
  auto status = res.res_ ? PQresultStatus(res.res_.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return error_from(res.res_.get(), "migration script");
  }
  return {};
}

bool PgConnection::broken() const {
  return broken_ || PQstatus(conn_.get()) == CONNECTION_BAD;
}

Status PgConnection::reset() {
  // Callers run on event loops: a server that does not answer at all would
  // block one for the whole connect timeout on every call. After such a slow
  // failure, calls fail at once for a while; a refused connection costs
  // nothing and is simply retried on the next call.
  const auto started = std::chrono::steady_clock::now();
  if (started < paused_until_) {
    return make_error(Code::Unavailable,
                      "database " + display_ + " is unreachable; retrying in a few seconds");
  }
  PQreset(conn_.get());
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    const auto now = std::chrono::steady_clock::now();
    if (now - started > kSlowConnect) {
      paused_until_ = now + kReconnectPause;
    }
    return make_error(Code::Unavailable, "cannot reconnect to " + display_ + ": " +
                                             one_line(PQerrorMessage(conn_.get())));
  }
  broken_ = false;
  return {};
}

bool PgConnection::in_transaction() const {
  auto s = PQtransactionStatus(conn_.get());
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR;
}

}  // namespace antcdn::store::postgres
