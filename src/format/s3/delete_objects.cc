#include "format/s3/delete_objects.h"

#include "format/s3/xml_leaves.h"

namespace antcdn::format::s3 {
std::string delete_objects_body(const std::vector<std::string>& full_keys) {
  std::string out = R"(<?xml version="1.0" encoding="UTF-8"?><Delete><Quiet>true</Quiet>)";
  for (const auto& key : full_keys) {
    out += "<Object><Key>";
    append_xml_escaped(out, key);
    out += "</Key></Object>";
  }
  out += "</Delete>";
  return out;
}

Result<std::vector<DeleteFailure>> parse_delete_result(std::string_view xml) {
  auto leaves = xml_leaves(xml);
  if (!leaves.ok()) {
    return leaves.error().with_context("DeleteObjects answer");
  }
  std::vector<DeleteFailure> failures;
  bool is_result = false;
  for (XmlLeaf& leaf : *leaves) {
    is_result = is_result || leaf.path == "DeleteResult" || leaf.path.starts_with("DeleteResult/");
    // Each <Error> starts with its Key (S3 and Swift's s3api write Key first).
    if (leaf.path == "DeleteResult/Error/Key") {
      failures.push_back({.key = std::move(leaf.text)});
    } else if (leaf.path == "DeleteResult/Error/Code" && !failures.empty()) {
      failures.back().code = std::move(leaf.text);
    } else if (leaf.path == "DeleteResult/Error/Message" && !failures.empty()) {
      failures.back().message = std::move(leaf.text);
    }
  }
  if (!is_result) {
    return make_error(Code::InvalidArgument, "DeleteObjects answer: not a DeleteResult");
  }
  return failures;
}

}  // namespace antcdn::format::s3
