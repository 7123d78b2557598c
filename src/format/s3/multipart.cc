#include "format/s3/multipart.h"

#include <algorithm>

#include "common/parse_number.h"
#include "format/s3/xml_leaves.h"

namespace antcdn::format::s3 {

PartPlan plan_parts(uint64_t object_bytes, uint64_t preferred_part_bytes) {
  uint64_t part = std::max<uint64_t>(preferred_part_bytes, 1);
  // The smallest part size that needs no more than kMaxParts parts.
  part = std::max(part, (object_bytes + kMaxParts - 1) / kMaxParts);
  uint64_t parts = object_bytes == 0 ? 1 : (object_bytes + part - 1) / part;
  return {part, parts};
}

Result<std::string> parse_upload_id(std::string_view xml) {
  auto leaves = xml_leaves(xml);
  if (!leaves.ok()) {
    return leaves.error().with_context("CreateMultipartUpload answer");
  }
  for (XmlLeaf& leaf : *leaves) {
    if (leaf.path == "InitiateMultipartUploadResult/UploadId" && !leaf.text.empty()) {
      return std::move(leaf.text);
    }
  }
  return make_error(Code::InvalidArgument, "CreateMultipartUpload answer: no UploadId");
}

std::string complete_multipart_body(const std::vector<std::string>& etags) {
  std::string out = R"(<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload>)";
  for (size_t i = 0; i < etags.size(); ++i) {
    out += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>";
    append_xml_escaped(out, etags[i]);
    out += "</ETag></Part>";
  }
  out += "</CompleteMultipartUpload>";
  return out;
}

Status check_complete_result(std::string_view xml) {
  auto leaves = xml_leaves(xml);
  if (!leaves.ok()) {
    return leaves.error().with_context("CompleteMultipartUpload answer");
  }
  std::string code;
  std::string message;
  bool completed = false;
  for (const XmlLeaf& leaf : *leaves) {
    completed = completed || leaf.path.starts_with("CompleteMultipartUploadResult");
    if (leaf.path == "Error/Code") {
      code = leaf.text;
    } else if (leaf.path == "Error/Message") {
      message = leaf.text;
    }
  }
  if (!code.empty()) {
    // Sent after a 200 (the server had started answering): S3 says to retry.
    return make_error(Code::Unavailable, "CompleteMultipartUpload failed: " + code +
                                             (message.empty() ? "" : ": ") +
                                             message.substr(0, 200));
  }
  if (!completed) {
    return make_error(Code::InvalidArgument,
                      "CompleteMultipartUpload answer: not a CompleteMultipartUploadResult");
  }
  return {};
}

std::optional<ContentRange> parse_content_range(std::string_view value) {
  constexpr std::string_view kUnit = "bytes ";
  if (!value.starts_with(kUnit)) {
    return std::nullopt;
  }
  value.remove_prefix(kUnit.size());
  size_t slash = value.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  auto total = parse_number<uint64_t>(value.substr(slash + 1));
  if (!total) {
    return std::nullopt;  // "*": the size is unknown, which is of no use to us
  }
  std::string_view span = value.substr(0, slash);
  if (span == "*") {
    return ContentRange{std::nullopt, std::nullopt, *total};
  }
  size_t dash = span.find('-');
  if (dash == std::string_view::npos) {
    return std::nullopt;
  }
  auto first = parse_number<uint64_t>(span.substr(0, dash));
  auto last = parse_number<uint64_t>(span.substr(dash + 1));
  if (!first || !last || *last < *first || *last >= *total) {
    return std::nullopt;
  }
  return ContentRange{first, last, *total};
}

}  // namespace antcdn::format::s3
