#include "format/s3/sigv4.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <map>

#include "common/crypto.h"

namespace antcdn::format::s3 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// RFC 9110 token characters: what a header name may be made of.
bool is_token_char(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

// Trim() plus the collapse of inner space runs that the canonical form asks for.
// Tabs count as spaces; any other control byte is refused by the caller.
std::string normalize_value(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    out.push_back(c);
  }
  return out;
}

bool has_control_char(std::string_view v) {
  return std::any_of(v.begin(), v.end(),
                     [](unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; });
}

Error invalid(std::string message) {
  return make_error(Code::InvalidArgument, "sigv4: " + std::move(message));
}

// Lowercased names, sorted (std::map), repeated names joined with ','.
Result<std::map<std::string, std::string>> canonical_headers(const HeaderList& headers) {
  std::map<std::string, std::string> out;
  for (const auto& [raw_name, raw_value] : headers) {
    if (raw_name.empty() || !std::all_of(raw_name.begin(), raw_name.end(),
                                         [](unsigned char c) { return is_token_char(c); })) {
      return invalid("header name \"" + raw_name + "\" is not an HTTP token");
    }
    std::string name = lowercase(raw_name);
    if (name == "x-amz-date" || name == "authorization") {
      return invalid("the " + name + " header is set by the signer, not the caller");
    }
    if (has_control_char(raw_value)) {
      // The value is not echoed: it might be a credential.
      return invalid("header \"" + name + "\" has a control character in its value");
    }
    auto [it, inserted] = out.emplace(name, normalize_value(raw_value));
    if (!inserted) {
      it->second += "," + normalize_value(raw_value);
    }
  }
  if (!out.contains("host")) {
    return invalid("the host header must be signed");
  }
  return out;
}

crypto::Sha256 signing_key(const SigV4Credentials& credentials, std::string_view date,
                           const SigV4Scope& scope) {
  std::string seed = "AWS4";
  seed += credentials.secret.reveal();
  crypto::Sha256 k = crypto::hmac_sha256(as_bytes(seed), as_bytes(date));
  k = crypto::hmac_sha256(k, as_bytes(scope.region));
  k = crypto::hmac_sha256(k, as_bytes(scope.service));
  return crypto::hmac_sha256(k, as_bytes("aws4_request"));
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

std::string canonical_query(const QueryParams& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(uri_encode(name, false), uri_encode(value, false));
  }
  // Sorting the encoded pairs is what AWS specifies: byte order of the encoded
  // names, then of the values for a repeated name.
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) {
      out.push_back('&');
    }
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string amz_date(std::chrono::system_clock::time_point t) {
  const std::time_t secs =
      std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
  std::tm utc{};
  gmtime_r(&secs, &utc);
  std::array<char, 32> buf{};
  size_t n = std::strftime(buf.data(), buf.size(), "%Y%m%dT%H%M%SZ", &utc);
  return {buf.data(), n};
}

Result<SigV4Signature> sign_v4(const SigV4Request& request, const SigV4Credentials& credentials,
                               const SigV4Scope& scope, std::chrono::system_clock::time_point now) {
  if (request.method.empty() || !request.path.starts_with('/')) {
    return invalid("a request needs a method and a path starting with '/'");
  }
  // The credential scope is '/'-separated, so none of its parts may hold one.
  for (std::string_view part : {std::string_view(credentials.access_key_id),
                                std::string_view(scope.region), std::string_view(scope.service)}) {
    if (part.empty() || part.find_first_of("/, \t\r\n") != std::string_view::npos) {
      return invalid(
          "access key id, region and service must be non-empty, without '/', ',' or "
          "spaces");
    }
  }
  if (request.payload_hash.empty()) {
    return invalid("a payload hash (or UNSIGNED-PAYLOAD) is required");
  }
  auto headers = canonical_headers(request.headers);
  if (!headers.ok()) {
    return headers.error();
  }

  SigV4Signature out;
  out.amz_date = amz_date(now);
  const std::string date = out.amz_date.substr(0, 8);
  headers->emplace("x-amz-date", out.amz_date);

  std::string header_block;
  for (const auto& [name, value] : *headers) {
    header_block.append(name).append(":").append(value).append("\n");
    if (!out.signed_headers.empty()) {
      out.signed_headers.push_back(';');
    }
    out.signed_headers += name;
  }
  out.canonical_request = request.method + "\n" + uri_encode(request.path, true) + "\n" +
                          canonical_query(request.query) + "\n" + header_block + "\n" +
                          out.signed_headers + "\n" + request.payload_hash;

  const std::string credential_scope =
      date + "/" + scope.region + "/" + scope.service + "/aws4_request";
  out.string_to_sign = std::string(kAlgorithm) + "\n" + out.amz_date + "\n" + credential_scope +
                       "\n" + crypto::hex(crypto::sha256(out.canonical_request));
  out.signature = crypto::hex(
      crypto::hmac_sha256(signing_key(credentials, date, scope), as_bytes(out.string_to_sign)));
  out.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
                      credential_scope + ", SignedHeaders=" + out.signed_headers +
                      ", Signature=" + out.signature;
  return out;
}

}  // namespace antcdn::format::s3
