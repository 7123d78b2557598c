#include "storage/s3/s3_location.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include <boost/url/pct_string_view.hpp>

#include "common/parse_number.h"
#include "storage/object_store.h"

namespace antcdn::storage::s3 {
namespace {

Error bad(std::string message) {
  return make_error(Code::InvalidArgument, "s3 storage URL: " + std::move(message));
}

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

// S3's rules for new buckets: 3-63 of [a-z0-9.-], alphanumeric at both ends.
bool is_valid_bucket(std::string_view b) {
  return b.size() >= 3 && b.size() <= 63 && is_lower_alnum(b.front()) && is_lower_alnum(b.back()) &&
         std::all_of(b.begin(), b.end(),
                     [](char c) { return is_lower_alnum(c) || c == '.' || c == '-'; });
}

bool is_valid_region(std::string_view r) {
  return !r.empty() && r.size() <= 32 &&
         std::all_of(r.begin(), r.end(), [](char c) { return is_lower_alnum(c) || c == '-'; });
}

bool is_valid_host(std::string_view h) {
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') {
    return std::all_of(h.begin() + 1, h.end() - 1, [](unsigned char c) {
      return std::isxdigit(c) != 0 || c == ':' || c == '.';
    });
  }
  return !h.empty() && h.size() <= 253 && std::all_of(h.begin(), h.end(), [](char c) {
    return is_lower_alnum(c) || c == '.' || c == '-';
  });
}

// "BUCKET[/PREFIX]" after "s3://".
Status parse_bucket_and_prefix(std::string_view rest, S3Location& out) {
  size_t slash = rest.find('/');
  std::string_view bucket = rest.substr(0, slash);
  if (bucket.find('@') != std::string_view::npos) {
    // Not echoed: it may be someone's key pasted into the URL.
    return bad(
        "credentials do not go in the URL; set ANTCDN_S3_ACCESS_KEY_ID and "
        "ANTCDN_S3_SECRET_ACCESS_KEY");
  }
  if (!is_valid_bucket(bucket)) {
    return bad("bucket name \"" + std::string(bucket) +
               "\" must be 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a "
               "letter or digit");
  }
  out.bucket = bucket;
  std::string_view prefix = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  if (prefix.ends_with('/')) {
    prefix.remove_suffix(1);
  }
  if (!prefix.empty()) {
    if (!is_valid_key(prefix)) {
      return bad("prefix \"" + std::string(prefix) +
                 "\" must be segments of A-Z a-z 0-9 . _ - separated by '/', none of them . or ..");
    }
    out.prefix = std::string(prefix) + "/";
  }
  return {};
}

// A %-decoded parameter value; nullopt for a bad escape.
std::optional<std::string> decode(std::string_view value) {
  auto pct = boost::urls::make_pct_string_view(value);
  return pct ? std::optional<std::string>(pct->decode()) : std::nullopt;
}

// "endpoint=URL&region=REGION", each at most once. Split here rather than by
// boost::urls::parse_query: that follows RFC 3986 to the letter and refuses
// the raw '[' ']' of "endpoint=http://[::1]:9000", which operators write.
Status read_params(std::string_view query, std::optional<std::string>& endpoint,
                   std::optional<std::string>& region) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    size_t eq = param.find('=');
    std::string name(param.substr(0, eq));
    std::optional<std::string> value =
        decode(eq == std::string_view::npos ? "" : param.substr(eq + 1));
    std::optional<std::string>* slot = name == "endpoint" ? &endpoint
                                       : name == "region" ? &region
                                                          : nullptr;
    if (slot == nullptr) {
      return bad("unknown parameter \"" + name + "\" (known: endpoint, region)");
    }
    if (slot->has_value()) {
      return bad("parameter \"" + name + "\" given twice");
    }
    if (!value.has_value()) {
      return bad("parameter \"" + name + "\" has a bad %-escape");
    }
    if (value->empty()) {
      return bad("parameter \"" + name + "\" needs a value");
    }
    *slot = std::move(value);
  }
  return {};
}

}  // namespace

std::string S3Endpoint::origin() const {
  return (tls ? "https://" : "http://") + host_header();
}

std::string S3Endpoint::host_header() const {
  const uint16_t default_port = tls ? 443 : 80;
  return port == default_port ? host : host + ":" + std::to_string(port);
}

Result<S3Endpoint> parse_s3_endpoint(std::string_view url) {
  S3Endpoint out;
  const std::string lower = lowercase(url);
  std::string_view rest = lower;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    out.tls = false;
    out.port = 80;
    rest.remove_prefix(7);
  } else {
    return bad("endpoint \"" + std::string(url) + "\" must start with http:// or https://");
  }
  if (rest.ends_with('/')) {
    rest.remove_suffix(1);
  }
  if (rest.find_first_of("/?#@") != std::string_view::npos) {
    return bad("endpoint \"" + std::string(url) +
               "\" must be scheme://host[:port] only (no path, query or user; the bucket goes "
               "after s3://)");
  }
  // The last ':' after any "[v6]" separates the port.
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos) {
    std::string_view port = rest.substr(colon + 1);
    auto value = parse_number<uint16_t>(port);
    if (!value || *value == 0) {
      return bad("endpoint \"" + std::string(url) + "\": port must be 1..65535");
    }
    out.port = *value;
    rest = rest.substr(0, colon);
  }
  if (!is_valid_host(rest)) {
    return bad("endpoint \"" + std::string(url) + "\": \"" + std::string(rest) +
               "\" is not a host name or IP address");
  }
  out.host = rest;
  return out;
}

Result<S3Location> parse_s3_location(std::string_view url) {
  if (!url.starts_with("s3://")) {
    return bad("must start with s3://");
  }
  std::string_view rest = url.substr(5);
  size_t question = rest.find('?');
  std::string_view query = question == std::string_view::npos ? "" : rest.substr(question + 1);
  rest = rest.substr(0, question);

  S3Location out;
  if (Status s = parse_bucket_and_prefix(rest, out); !s.ok()) {
    return s.error();
  }
  std::optional<std::string> endpoint;
  std::optional<std::string> region;
  if (Status s = read_params(query, endpoint, region); !s.ok()) {
    return s.error();
  }
  if (region.has_value()) {
    if (!is_valid_region(*region)) {
      return bad("region \"" + *region + "\" must be lowercase letters, digits and '-'");
    }
    out.region = *region;
  }
  if (!endpoint.has_value()) {
    if (out.region == "auto") {
      return bad(
          "region \"auto\" (Cloudflare R2) needs "
          "endpoint=https://ACCOUNT_ID.r2.cloudflarestorage.com");
    }
    endpoint = "https://s3." + out.region + ".amazonaws.com";
  }
  auto parsed = parse_s3_endpoint(*endpoint);
  if (!parsed.ok()) {
    return parsed.error();
  }
  out.endpoint = std::move(*parsed);
  return out;
}

}  // namespace antcdn::storage::s3
