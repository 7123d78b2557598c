#pragma once

// Database URLs for PostgreSQL: which ones PgStore opens, and a form of them
// that is safe to log.

#include <string>
#include <string_view>

namespace antcdn::store::postgres {

// postgres://… or postgresql://… (what libpq accepts as a connection URI).
bool is_postgres_url(std::string_view url);

// A URL with more than one '@' before its query: a password holding a raw '@'
// (it must be percent-encoded, %40), which libpq would split, reading part of
// the password as the host name and quoting it in its errors.
bool has_raw_at_in_password(std::string_view url);

// What libpq reads from `url` (a URL or a key=value string), as a key=value
// string with the password shown as "***": "user=antcdn password=***
// dbname=antcdn host=db.internal port=5432". Everything that names a database
// in a log line or an error goes through this. Nothing of an input libpq cannot
// parse, or of one has_raw_at_in_password() rejects, is shown.
std::string redact_url(std::string_view url);

}  // namespace antcdn::store::postgres
