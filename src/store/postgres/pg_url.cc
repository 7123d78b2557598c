#include "store/postgres/pg_url.h"

#include <memory>

#include <libpq-fe.h>

namespace antcdn::store::postgres {
namespace {

struct FreeConninfo {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};

// A value as a key=value conninfo string writes it: quoted when empty or
// holding a space, a quote or a backslash.
std::string conninfo_value(std::string_view value) {
  if (!value.empty() && value.find_first_of(" \t\n\r'\\") == std::string_view::npos) {
    return std::string(value);
  }
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out + "'";
}

}  // namespace

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

bool has_raw_at_in_password(std::string_view url) {
  std::string_view before_query = url.substr(0, url.find('?'));
  return is_postgres_url(url) && before_query.find('@') != before_query.rfind('@');
}

std::string redact_url(std::string_view url) {
  if (has_raw_at_in_password(url)) {
    return "(a URL with a raw '@' in its user or password; write it as %40)";
  }
  // libpq itself parses: what is shown is what it would connect with, and no
  // spelling of a password (user:PASSWORD@, ?password=, password='…') is missed.
  char* parse_error = nullptr;
  std::unique_ptr<PQconninfoOption, FreeConninfo> options(
      PQconninfoParse(std::string(url).c_str(), &parse_error));
  PQfreemem(parse_error);  // may quote the password
  if (!options) {
    return "(a connection string libpq cannot parse)";
  }
  std::string out;
  for (const auto* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) {
      continue;
    }
    std::string_view keyword = o->keyword;
    out.append(out.empty() ? "" : " ").append(keyword).append("=");
    out.append(keyword == "password" ? "***" : conninfo_value(o->val));
  }
  return out;
}

}  // namespace antcdn::store::postgres
