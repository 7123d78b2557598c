#include "format/s3/responses.h"

#include "format/s3/xml_leaves.h"

namespace antcdn::format::s3 {

Result<ListObjectsPage> parse_list_objects_v2(std::string_view xml) {
  auto leaves = xml_leaves(xml);
  if (!leaves.ok()) {
    return leaves.error().with_context("ListObjectsV2 answer");
  }
  ListObjectsPage page;
  bool is_listing = false;
  for (XmlLeaf& leaf : *leaves) {
    is_listing =
        is_listing || leaf.path == "ListBucketResult" || leaf.path.starts_with("ListBucketResult/");
    if (leaf.path == "ListBucketResult/Contents/Key") {
      page.keys.push_back(std::move(leaf.text));
    } else if (leaf.path == "ListBucketResult/IsTruncated") {
      page.is_truncated = leaf.text == "true";
    } else if (leaf.path == "ListBucketResult/NextContinuationToken") {
      page.next_continuation_token = std::move(leaf.text);
    }
  }
  if (!is_listing) {
    return make_error(Code::InvalidArgument, "ListObjectsV2 answer: not a ListBucketResult");
  }
  if (page.is_truncated && page.next_continuation_token.empty()) {
    return make_error(Code::InvalidArgument,
                      "ListObjectsV2 answer: truncated without a NextContinuationToken");
  }
  return page;
}

ErrorBody parse_error_body(std::string_view xml) {
  ErrorBody out;
  auto leaves = xml_leaves(xml);
  if (!leaves.ok()) {
    return out;
  }
  for (XmlLeaf& leaf : *leaves) {
    if (leaf.path == "Error/Code") {
      out.code = std::move(leaf.text);
    } else if (leaf.path == "Error/Message") {
      out.message = std::move(leaf.text);
    }
  }
  return out;
}

}  // namespace antcdn::format::s3
