#pragma once

// Database URLs for PostgreSQL: which ones PgStore opens, and a form of them
// that is safe to log.

#include <string>
#include <string_view>

namespace antcdn::store::postgres {

// postgres://… or postgresql://… (what libpq accepts as a connection URI).
bool is_postgres_url(std::string_view url);

// The URL with its password (user:PASSWORD@host, ?password=…, or password=… in
// a key=value string) replaced by "***". Everything that names a database in a
// log line or an error goes through this.
std::string redact_url(std::string_view url);

}  // namespace antcdn::store::postgres
