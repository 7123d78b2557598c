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
  // get() refuses larger answers (read those with get_range, in pieces).
  size_t max_object_bytes = size_t{256} * 1024 * 1024;
  // put_file: a file up to this size is one PUT, a larger one a multipart
  // upload in parts of this size (S3 wants at least 5 MiB; --s3-part-size-mib).
  uint64_t part_bytes = uint64_t{16} << 20;
  // Multipart requests that fail in a way that may pass (Unavailable) are
  // tried this often, waiting retry_backoff, then twice that, ... in between.
  int attempts = 5;
  std::chrono::milliseconds retry_backoff{500};
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
  // GET with a Range header (206; the size from Content-Range); length 0 is a
  // HEAD (the size only). No answer is larger than the range.
  Result<ObjectRange> get_range(const std::string& key, uint64_t offset, size_t length) override;
  // One PUT up to part_bytes; beyond, a multipart upload (CreateMultipartUpload,
  // UploadPart for each part read from the file in turn, CompleteMultipartUpload),
  // so memory holds one part. Each request is retried (attempts); an upload
  // that fails anyway is aborted (AbortMultipartUpload), so no parts are left
  // stored (and billed).
  Status put_file(const std::string& key, const std::filesystem::path& file,
                  const PutOptions& options) override;
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
  // send(), again while it fails with Unavailable (options_.attempts).
  Result<HttpResponse> send_retrying(const Call& call);
  Status upload_parts(const std::string& key, const std::string& upload_id,
                      const std::filesystem::path& file, uint64_t size);
  Status complete_upload(const std::string& key, const std::string& upload_id,
                         const std::vector<std::string>& etags);
  Status delete_full_key(const std::string& full_key);
  Status delete_full_keys(const std::vector<std::string>& full_keys);

  const S3Location location_;
  const S3Credentials credentials_;
  const S3StoreOptions options_;
  std::unique_ptr<HttpTransport> transport_;
};

}  // namespace antcdn::storage::s3
