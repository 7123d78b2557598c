#pragma once

// S3 multipart uploads (CreateMultipartUpload, UploadPart,
// CompleteMultipartUpload), the pure parts: how to cut a file into parts, the
// bodies we send and the answers we read; and the Content-Range of a ranged
// GET's answer.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace antcdn::format::s3 {

// S3's limits: parts of at least 5 MiB (but the last), at most 10,000 of them.
inline constexpr uint64_t kMinPartBytes = uint64_t{5} << 20;
inline constexpr uint64_t kMaxParts = 10000;

struct PartPlan {
  uint64_t part_bytes = 0;  // every part's size but the last one's
  uint64_t parts = 0;
};

// Parts of `preferred_part_bytes` (at least 1), grown when the object would
// need more than kMaxParts of them. A 0-byte object is one empty part.
PartPlan plan_parts(uint64_t object_bytes, uint64_t preferred_part_bytes);

// The UploadId of an InitiateMultipartUploadResult document. InvalidArgument
// when it is malformed, another document, or has no UploadId.
Result<std::string> parse_upload_id(std::string_view xml);

// <CompleteMultipartUpload> naming parts 1..n with their ETags, in order.
std::string complete_multipart_body(const std::vector<std::string>& etags);

// A CompleteMultipartUpload answer: S3 may answer 200 and still fail, with an
// <Error> document in the body. OK for a CompleteMultipartUploadResult;
// Unavailable (retryable) for an <Error>, naming its code; InvalidArgument for
// anything else.
Status check_complete_result(std::string_view xml);

// "bytes 0-99/1234" (a 206) or "bytes */1234" (a 416). first/last are unset
// for the second form.
struct ContentRange {
  std::optional<uint64_t> first;
  std::optional<uint64_t> last;
  uint64_t total = 0;
};

// nullopt for anything else (another unit, "*" as the size, last < first,
// numbers that do not fit).
std::optional<ContentRange> parse_content_range(std::string_view value);

}  // namespace antcdn::format::s3
