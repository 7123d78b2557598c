#pragma once

// ObjectStore on an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Swift
// s3api), path-style: object "lse_x/720p/seg-1.m4s" is
// {endpoint}/{bucket}/{prefix}lse_x/720p/seg-1.m4s. Every request is signed
// with SigV4 over the SHA-256 of its body (format/s3/sigv4.h); Content-Type
// and Cache-Control are stored with the object and come back from get().
//
// Failures, as the WriteQueue needs them (it retries everything but
// InvalidArgument/Unsupported):
//   refused, reset, timed out, 5xx, 429, 408  -> Unavailable
//   401, 403 (bad key or secret, clock skew)  -> Unauthenticated
//   404 on get                                -> NotFound (remove ignores it)
//   409 -> Conflict; 400 and 3xx (wrong region or endpoint) -> InvalidArgument;
//   any other 4xx                             -> Internal
// Messages carry the HTTP status and S3's error code (e.g. SignatureDoesNotMatch)
// but never the secret or the Authorization header.
//
// Thread-safe: requests share nothing but the transport's handle pool.

#include <chrono>
#include <memory>
#include <string>

#include "format/s3/sigv4.h"
#include "storage/object_store.h"
#include "storage/s3/http_transport.h"
#include "storage/s3/s3_location.h"

namespace antcdn::storage::s3 {

// {access key id, Secret}; the app reads them from ANTCDN_S3_ACCESS_KEY_ID and
// ANTCDN_S3_SECRET_ACCESS_KEY.
using S3Credentials = format::s3::SigV4Credentials;

struct S3StoreOptions {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds request_timeout{15000};
  int list_page_size = 1000;  // max-keys per ListObjectsV2 page in remove_prefix
  size_t max_object_bytes = size_t{256} * 1024 * 1024;  // get() refuses larger answers
};

class S3Store final : public ObjectStore {
 public:
  S3Store(S3Location location, S3Credentials credentials, S3StoreOptions options = {});
  // Same, over another transport (a fake in tests).
  S3Store(S3Location location, S3Credentials credentials, S3StoreOptions options,
          std::unique_ptr<HttpTransport> transport);
  ~S3Store() override;

  Status put(const std::string& key, const ObjectPtr& object) override;
  Result<ObjectPtr> get(const std::string& key) override;
  Status remove(const std::string& key) override;
  // Lists the keys under the prefix (ListObjectsV2, page by page) and deletes
  // each page with one DeleteObjects. A listed key outside the prefix stops it
  // with Internal: a server that ignored the prefix must not get the whole
  // bucket deleted.
  Status remove_prefix(const std::string& prefix) override;
  // DeleteObjects, 1,000 keys a request (quiet mode; a key S3 could not delete
  // fails the call, naming it).
  Status remove_many(const std::vector<std::string>& keys) override;

  // For start-up: OK when the bucket exists and the credentials can reach it;
  // creates it (HEAD 404 -> PUT bucket) when it does not exist yet.
  Status ensure_bucket();

  const S3Location& location() const { return location_; }

 private:
  struct Call;
  Result<HttpResponse> send(const Call& call);
  Status delete_full_key(const std::string& full_key);
  Status delete_full_keys(const std::vector<std::string>& full_keys);

  const S3Location location_;
  const S3Credentials credentials_;
  const S3StoreOptions options_;
  std::unique_ptr<HttpTransport> transport_;
};

}  // namespace antcdn::storage::s3
