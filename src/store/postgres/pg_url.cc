#include "store/postgres/pg_url.h"

#include <algorithm>

namespace antcdn::store::postgres {
namespace {

constexpr std::string_view kRedacted = "***";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Replaces the value of every password=… in a key=value conninfo string. Values
// may be single-quoted with backslash escapes.
std::string redact_conninfo(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t key_end = s.find('=', i);
    if (key_end == std::string_view::npos) {
      out.append(s.substr(i));
      break;
    }
    std::string_view key = s.substr(i, key_end - i);
    while (!key.empty() && is_space(key.back())) {
      key.remove_suffix(1);
    }
    size_t key_start = key.find_last_of(" \t\n\r");
    key = key_start == std::string_view::npos ? key : key.substr(key_start + 1);
    out.append(s.substr(i, key_end + 1 - i));
    size_t v = key_end + 1;
    while (v < s.size() && is_space(s[v])) {
      out.push_back(s[v++]);
    }
    size_t end = v;
    if (end < s.size() && s[end] == '\'') {
      for (++end; end < s.size() && s[end] != '\''; ++end) {
        end += s[end] == '\\' ? 1 : 0;
      }
      end = std::min(end + 1, s.size());
    } else {
      while (end < s.size() && !is_space(s[end])) {
        ++end;
      }
    }
    out.append(key == "password" ? kRedacted : s.substr(v, end - v));
    i = end;
  }
  return out;
}

// Replaces the value of every password=… parameter of a URL query string.
std::string redact_query(std::string_view query) {
  std::string out;
  size_t i = 0;
  while (i <= query.size()) {
    size_t end = query.find('&', i);
    end = end == std::string_view::npos ? query.size() : end;
    std::string_view param = query.substr(i, end - i);
    if (param.starts_with("password=")) {
      out.append("password=").append(kRedacted);
    } else {
      out.append(param);
    }
    if (end == query.size()) {
      break;
    }
    out.push_back('&');
    i = end + 1;
  }
  return out;
}

}  // namespace

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

std::string redact_url(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return redact_conninfo(url);
  }
  size_t rest = scheme_end + 3;
  size_t query = url.find('?', rest);
  std::string_view before_query = url.substr(0, query);
  std::string out;
  // The last '@' before the query ends the user info: a password with a raw '@'
  // or '/' is malformed for libpq, but must still not reach a log.
  size_t at = before_query.rfind('@');
  size_t colon = at == std::string_view::npos ? std::string_view::npos : url.find(':', rest);
  if (at != std::string_view::npos && colon < at) {
    out.append(url.substr(0, colon + 1)).append(kRedacted).append(before_query.substr(at));
  } else {
    out.append(before_query);
  }
  if (query != std::string_view::npos) {
    out.push_back('?');
    out.append(redact_query(url.substr(query + 1)));
  }
  return out;
}

}  // namespace antcdn::store::postgres
