#include "storage/s3/s3_store.h"

#include <fstream>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>

#include "common/blocking.h"
#include "common/crypto.h"
#include "common/parse_number.h"
#include "format/s3/delete_objects.h"
#include "format/s3/multipart.h"
#include "format/s3/responses.h"
#include "storage/s3/curl_transport.h"

namespace antcdn::storage::s3 {
namespace {

using format::s3::HeaderList;
using format::s3::QueryParams;

Error invalid_key(const std::string& key) {
  return make_error(Code::InvalidArgument, "invalid object key \"" + key + "\"");
}

// Server text goes into our logs: keep it short and on one line.
std::string printable(std::string_view s, size_t max) {
  std::string out;
  for (char c : s.substr(0, max)) {
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
  }
  if (s.size() > max) {
    out += "...";
  }
  return out;
}

Code classify(int status, std::string_view s3_code) {
  if (status >= 500 || status == 429 || status == 408 || s3_code == "RequestTimeout" ||
      s3_code == "SlowDown") {
    return Code::Unavailable;
  }
  switch (status) {
    case 401:
    case 403:
      return Code::Unauthenticated;
    case 404:
      return Code::NotFound;
    case 409:
      return Code::Conflict;
    case 400:
      return Code::InvalidArgument;
    default:
      // 3xx: a redirect to another region's endpoint, which we do not follow.
      return status >= 300 && status < 400 ? Code::InvalidArgument : Code::Internal;
  }
}

// "s3 put "lse_x/a.m4s": HTTP 403 SignatureDoesNotMatch: The request signature ..."
Error response_error(std::string_view what, const HttpResponse& r) {
  format::s3::ErrorBody body = format::s3::parse_error_body(as_chars(r.body));
  std::string message = std::string(what) + ": HTTP " + std::to_string(r.status);
  if (!body.code.empty()) {
    message += " " + printable(body.code, 64);
  }
  if (!body.message.empty()) {
    message += ": " + printable(body.message, 300);
  }
  Code code = classify(r.status, body.code);
  if (code == Code::Unauthenticated) {
    message += " (check ANTCDN_S3_ACCESS_KEY_ID, ANTCDN_S3_SECRET_ACCESS_KEY and the clock)";
  } else if (r.status >= 300 && r.status < 400) {
    message += " (check the endpoint and region)";
  }
  return make_error(code, std::move(message));
}

bool is_success(int status) {
  return status >= 200 && status < 300;
}

std::string quoted(std::string_view op, std::string_view name) {
  return "s3 " + std::string(op) + " \"" + std::string(name) + "\"";
}

// What put() and a multipart upload store with the object.
HeaderList object_headers(const PutOptions& options) {
  HeaderList headers;
  if (!options.content_type.empty()) {
    headers.emplace_back("content-type", options.content_type);
  }
  if (!options.cache_control.empty()) {
    headers.emplace_back("cache-control", options.cache_control);
  }
  return headers;
}

// Whether a failed exchange may pass if sent again (as the WriteQueue retries).
bool may_pass_later(const Result<HttpResponse>& r) {
  if (!r.ok()) {
    return r.error().code == Code::Unavailable;
  }
  return !is_success(r->status) &&
         classify(r->status, format::s3::parse_error_body(as_chars(r->body)).code) ==
             Code::Unavailable;
}

}  // namespace

// One request before signing. `key` is the full object key after the bucket
// (location prefix included), or empty for a bucket-level request.
struct S3Store::Call {
  std::string method;
  std::string key;
  QueryParams query;
  HeaderList headers;  // besides Host and x-amz-content-sha256, which send() adds
  ByteSpan body;
};

S3Store::S3Store(S3Location location, S3Credentials credentials, S3StoreOptions options)
    : S3Store(std::move(location), std::move(credentials), options,
              std::make_unique<CurlTransport>(CurlTransportOptions{
                  options.connect_timeout, options.request_timeout, options.max_object_bytes})) {}

S3Store::S3Store(S3Location location, S3Credentials credentials, S3StoreOptions options,
                 std::unique_ptr<HttpTransport> transport)
    : location_(std::move(location)),
      credentials_(std::move(credentials)),
      options_(options),
      transport_(std::move(transport)) {}

S3Store::~S3Store() = default;

Result<HttpResponse> S3Store::send(const Call& call) {
  assert_may_block("S3 request");
  format::s3::SigV4Request req;
  req.method = call.method;
  req.path = "/" + location_.bucket + (call.key.empty() ? "" : "/" + call.key);
  req.query = call.query;
  // Signing the body's hash (not UNSIGNED-PAYLOAD) lets the server reject a
  // body corrupted on the way (BadDigest), even over plain HTTP.
  req.payload_hash = crypto::hex(crypto::sha256(call.body));
  req.headers = call.headers;
  req.headers.emplace_back("host", location_.endpoint.host_header());
  req.headers.emplace_back("x-amz-content-sha256", req.payload_hash);
  auto signature = format::s3::sign_v4(req, credentials_, {location_.region, "s3"},
                                       std::chrono::system_clock::now());
  if (!signature.ok()) {
    return signature.error();
  }
  HttpRequest http;
  http.method = call.method;
  http.url = location_.endpoint.origin() + format::s3::uri_encode(req.path, true);
  if (!req.query.empty()) {
    http.url += "?" + format::s3::canonical_query(req.query);
  }
  http.headers = std::move(req.headers);
  http.headers.emplace_back("x-amz-date", signature->amz_date);
  http.headers.emplace_back("authorization", signature->authorization);
  http.body = call.body;
  return transport_->send(http);
}

Status S3Store::put(const std::string& key, const ObjectPtr& object) {
  if (Status s = check_put(key, object); !s.ok()) {
    return s;
  }
  auto r = send({"PUT", location_.prefix + key, {}, object_headers(object->options), object->data});
  if (!r.ok()) {
    return r.error().with_context(quoted("put", key));
  }
  if (!is_success(r->status)) {
    return response_error(quoted("put", key), *r);
  }
  return {};
}

Result<ObjectPtr> S3Store::get(const std::string& key) {
  if (!is_valid_key(key)) {
    return invalid_key(key);
  }
  auto r = send({"GET", location_.prefix + key, {}, {}, {}});
  if (!r.ok()) {
    return r.error().with_context(quoted("get", key));
  }
  if (r->status == 404) {
    return make_error(Code::NotFound, "no object \"" + key + "\"");
  }
  if (!is_success(r->status)) {
    return response_error(quoted("get", key), *r);
  }
  StoredObject object;
  object.data = std::move(r->body);
  if (const std::string* v = r->header("content-type")) {
    object.options.content_type = *v;
  }
  if (const std::string* v = r->header("cache-control")) {
    object.options.cache_control = *v;
  }
  return ObjectPtr(std::make_shared<const StoredObject>(std::move(object)));
}

Result<HttpResponse> S3Store::send_retrying(const Call& call) {
  std::chrono::milliseconds wait = options_.retry_backoff;
  for (int attempt = 1;; ++attempt) {
    auto r = send(call);
    if (attempt >= options_.attempts || !may_pass_later(r)) {
      return r;
    }
    // On a blocking pool (the recordings job): waiting here holds no event loop.
    std::this_thread::sleep_for(wait);
    wait *= 2;
  }
}

Result<ObjectRange> S3Store::get_range(const std::string& key, uint64_t offset, size_t length) {
  if (!is_valid_key(key)) {
    return invalid_key(key);
  }
  const std::string full = location_.prefix + key;
  Call call{"GET", full, {}, {}, {}};
  if (length == 0) {
    call.method = "HEAD";
  } else {
    call.headers.emplace_back(
        "range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1));
  }
  auto r = send(call);
  if (!r.ok()) {
    return r.error().with_context(quoted("get", key));
  }
  if (r->status == 404) {
    return make_error(Code::NotFound, "no object \"" + key + "\"");
  }
  const std::string* range_header = r->header("content-range");
  auto range = range_header ? format::s3::parse_content_range(*range_header) : std::nullopt;
  if (r->status == 416) {
    // The offset is at or past the end. Not every server says the size then
    // (Swift does not): ask it.
    return range ? ObjectRange{{}, range->total} : get_range(key, 0, 0);
  }
  if (call.method == "HEAD" && is_success(r->status)) {
    const std::string* size = r->header("content-length");
    auto total = size ? parse_number<uint64_t>(*size) : std::nullopt;
    if (!total) {
      return make_error(Code::Internal, "no Content-Length").with_context(quoted("head", key));
    }
    return ObjectRange{{}, *total};
  }
  if (r->status == 200) {
    return slice_range(r->body, offset, length);  // the server sent the whole object
  }
  if (r->status != 206) {
    return response_error(quoted("get", key), *r);
  }
  if (!range || range->first != offset || r->body.size() > length) {
    return make_error(Code::Internal, "a 206 answer that is not the range asked (Content-Range " +
                                          printable(range_header ? *range_header : "none", 80) +
                                          ")")
        .with_context(quoted("get", key));
  }
  return ObjectRange{std::move(r->body), range->total};
}

Status S3Store::put_file(const std::string& key, const std::filesystem::path& file,
                         const PutOptions& options) {
  if (!is_valid_key(key)) {
    return invalid_key(key);
  }
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(file, ec);
  if (ec) {
    return make_error(Code::Unavailable, "reading " + file.string() + ": " + ec.message());
  }
  if (size <= options_.part_bytes) {
    return ObjectStore::put_file(key, file, options);  // one PUT of the file's bytes
  }
  const std::string full = location_.prefix + key;
  auto created = send_retrying({"POST", full, {{"uploads", ""}}, object_headers(options), {}});
  if (!created.ok()) {
    return created.error().with_context(quoted("create upload", key));
  }
  if (!is_success(created->status)) {
    return response_error(quoted("create upload", key), *created);
  }
  auto upload_id = format::s3::parse_upload_id(as_chars(created->body));
  if (!upload_id.ok()) {
    return make_error(Code::Internal, upload_id.error().describe())
        .with_context(quoted("create upload", key));
  }
  Status s = upload_parts(full, *upload_id, file, size);
  if (!s.ok()) {
    // Stored parts are billed until the upload is aborted (or completed).
    auto aborted = send_retrying({"DELETE", full, {{"uploadId", *upload_id}}, {}, {}});
    if (!aborted.ok() || (!is_success(aborted->status) && aborted->status != 404)) {
      spdlog::warn(
          "storage: could not abort the multipart upload {} of {}: {}", *upload_id, key,
          aborted.ok() ? "HTTP " + std::to_string(aborted->status) : aborted.error().describe());
    }
    return s.error().with_context(quoted("put", key));
  }
  return {};
}

Status S3Store::upload_parts(const std::string& key, const std::string& upload_id,
                             const std::filesystem::path& file, uint64_t size) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return make_error(Code::Unavailable, "cannot open " + file.string());
  }
  const format::s3::PartPlan plan = format::s3::plan_parts(size, options_.part_bytes);
  std::vector<std::string> etags;
  Bytes part;  // one part in memory at a time
  for (uint64_t i = 0; i < plan.parts; ++i) {
    const std::string what = "part " + std::to_string(i + 1) + " of " + std::to_string(plan.parts);
    part.resize(static_cast<size_t>(std::min(plan.part_bytes, size - i * plan.part_bytes)));
    in.read(reinterpret_cast<char*>(part.data()), static_cast<std::streamsize>(part.size()));
    if (static_cast<size_t>(in.gcount()) != part.size()) {
      return make_error(Code::Unavailable, "reading " + file.string() + ": short read")
          .with_context(what);
    }
    auto r = send_retrying(
        {"PUT", key, {{"partNumber", std::to_string(i + 1)}, {"uploadId", upload_id}}, {}, part});
    if (!r.ok()) {
      return r.error().with_context(what);
    }
    if (!is_success(r->status)) {
      return response_error(what, *r);
    }
    const std::string* etag = r->header("etag");
    if (etag == nullptr) {
      return make_error(Code::Internal, "the answer has no ETag").with_context(what);
    }
    etags.push_back(*etag);
  }
  return complete_upload(key, upload_id, etags);
}

Status S3Store::complete_upload(const std::string& key, const std::string& upload_id,
                                const std::vector<std::string>& etags) {
  const std::string body = format::s3::complete_multipart_body(etags);
  Call call{"POST",
            key,
            {{"uploadId", upload_id}},
            {{"content-type", "application/xml"}},
            as_bytes(body)};
  for (int attempt = 1;; ++attempt) {
    auto r = send_retrying(call);
    if (!r.ok()) {
      return r.error().with_context("complete");
    }
    if (!is_success(r->status)) {
      return response_error("complete", *r);
    }
    // A 200 may still carry an <Error> (S3 answers while it assembles the parts).
    Status done = format::s3::check_complete_result(as_chars(r->body));
    if (done.ok() || done.error().code != Code::Unavailable || attempt >= options_.attempts) {
      return done;
    }
  }
}

Status S3Store::remove(const std::string& key) {
  if (!is_valid_key(key)) {
    return invalid_key(key);
  }
  return delete_full_key(location_.prefix + key);
}

Status S3Store::delete_full_key(const std::string& full_key) {
  auto r = send({"DELETE", full_key, {}, {}, {}});
  if (!r.ok()) {
    return r.error().with_context(quoted("delete", full_key));
  }
  // S3 answers 204 for a missing key too; other servers may say 404.
  if (!is_success(r->status) && r->status != 404) {
    return response_error(quoted("delete", full_key), *r);
  }
  return {};
}

Status S3Store::remove_prefix(const std::string& prefix) {
  if (!is_valid_prefix(prefix)) {
    return make_error(Code::InvalidArgument, "invalid object prefix \"" + prefix + "\"");
  }
  const std::string full = location_.prefix + prefix;
  std::string token;
  while (true) {
    Call list{"GET",
              "",
              {{"list-type", "2"},
               {"prefix", full},
               {"max-keys", std::to_string(options_.list_page_size)}},
              {},
              {}};
    if (!token.empty()) {
      list.query.emplace_back("continuation-token", token);
    }
    auto r = send(list);
    if (!r.ok()) {
      return r.error().with_context(quoted("list", full));
    }
    if (r->status != 200) {
      return response_error(quoted("list", full), *r);
    }
    auto page = format::s3::parse_list_objects_v2(as_chars(r->body));
    if (!page.ok()) {
      return make_error(Code::Internal, page.error().describe()).with_context(quoted("list", full));
    }
    for (const std::string& key : page->keys) {
      if (!key.starts_with(full)) {
        return make_error(Code::Internal, "the server listed \"" + printable(key, 200) +
                                              "\", outside the prefix; deleting nothing more")
            .with_context(quoted("list", full));
      }
    }
    if (Status s = delete_full_keys(page->keys); !s.ok()) {
      return s;
    }
    if (!page->is_truncated) {
      return {};
    }
    if (page->next_continuation_token == token) {
      return make_error(Code::Internal, "the listing repeats its continuation token")
          .with_context(quoted("list", full));
    }
    token = std::move(page->next_continuation_token);
  }
}

Status S3Store::remove_many(const std::vector<std::string>& keys) {
  std::vector<std::string> full;
  full.reserve(keys.size());
  for (const auto& key : keys) {
    if (!is_valid_key(key)) {
      return invalid_key(key);
    }
    full.push_back(location_.prefix + key);
  }
  return delete_full_keys(full);
}

Status S3Store::delete_full_keys(const std::vector<std::string>& full_keys) {
  for (size_t first = 0; first < full_keys.size(); first += format::s3::kMaxDeleteKeys) {
    size_t n = std::min(format::s3::kMaxDeleteKeys, full_keys.size() - first);
    std::vector<std::string> batch(full_keys.begin() + static_cast<ptrdiff_t>(first),
                                   full_keys.begin() + static_cast<ptrdiff_t>(first + n));
    std::string body = format::s3::delete_objects_body(batch);
    const std::string what = "s3 delete " + std::to_string(n) + " objects";
    Call call{"POST", "", {{"delete", ""}}, {}, as_bytes(body)};
    call.headers.emplace_back("content-md5", crypto::md5_base64(as_bytes(body)));
    call.headers.emplace_back("content-type", "application/xml");
    auto r = send(call);
    if (!r.ok()) {
      return r.error().with_context(what);
    }
    if (!is_success(r->status)) {
      return response_error(what, *r);
    }
    auto failures = format::s3::parse_delete_result(as_chars(r->body));
    if (!failures.ok()) {
      return make_error(Code::Internal, failures.error().describe()).with_context(what);
    }
    if (!failures->empty()) {
      const auto& f = failures->front();
      return make_error(Code::Unavailable, quoted("delete", f.key) + ": " + printable(f.code, 64) +
                                               " " + printable(f.message, 200))
          .with_context(what);
    }
  }
  return {};
}

Status S3Store::ensure_bucket() {
  const std::string what =
      "s3 bucket \"" + location_.bucket + "\" at " + location_.endpoint.origin();
  auto head = send({"HEAD", "", {}, {}, {}});
  if (!head.ok()) {
    return head.error().with_context(what);
  }
  if (is_success(head->status)) {
    return {};
  }
  if (head->status != 404) {
    return response_error(what, *head);
  }
  // Outside us-east-1 (and R2's "auto"), AWS wants the region in the body.
  std::string body;
  if (location_.region != "us-east-1" && location_.region != "auto") {
    body =
        "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<LocationConstraint>" +
        location_.region + "</LocationConstraint></CreateBucketConfiguration>";
  }
  auto create = send({"PUT", "", {}, {}, as_bytes(body)});
  if (!create.ok()) {
    return create.error().with_context(what + ": create");
  }
  if (is_success(create->status)) {
    return {};
  }
  // Someone else (another node starting at the same moment) created it first.
  if (create->status == 409 &&
      format::s3::parse_error_body(as_chars(create->body)).code == "BucketAlreadyOwnedByYou") {
    return {};
  }
  return response_error(what + ": create", *create);
}

}  // namespace antcdn::storage::s3
