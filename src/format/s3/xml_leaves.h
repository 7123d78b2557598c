#pragma once

// Just enough XML to read S3's answers (ListBucketResult, Error): flattens a
// document into its leaf elements, each with its '/'-joined path from the root
// and its decoded text, in document order:
//
//   <ListBucketResult><Contents><Key>a&amp;b</Key></Contents></ListBucketResult>
//   -> {"ListBucketResult/Contents/Key", "a&b"}
//
// Attributes are skipped, comments and processing instructions ignored, CDATA
// kept as text. Anything with a DOCTYPE is refused, so no entity other than the
// five predefined ones and numeric references can ever be expanded. This is not
// a validating parser; it never reads past its input and bounds nesting depth.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace antcdn::format::s3 {

struct XmlLeaf {
  std::string path;  // "ListBucketResult/Contents/Key"
  std::string text;  // entities decoded; "" for <Prefix/>
};

// InvalidArgument for malformed input (unbalanced tags, a bad entity, a
// DOCTYPE, no root element, more than 32 levels of nesting).
Result<std::vector<XmlLeaf>> xml_leaves(std::string_view xml);

// Appends `text` as XML character data (&, < and > escaped), for the request
// bodies we build (DeleteObjects, CompleteMultipartUpload).
void append_xml_escaped(std::string& out, std::string_view text);

}  // namespace antcdn::format::s3
