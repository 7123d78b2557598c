#include "format/s3/responses.h"

#include <gtest/gtest.h>

namespace antcdn::format::s3 {
namespace {

// The shape AWS documents for ListObjectsV2, with an ETag's &quot; entities.
constexpr std::string_view kTruncatedPage = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name>
  <Prefix>live/lse_a/</Prefix>
  <KeyCount>2</KeyCount>
  <MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <ContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</ContinuationToken>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents>
    <Key>live/lse_a/720p/init.mp4</Key>
    <LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag>
    <Size>434234</Size>
    <StorageClass>STANDARD</StorageClass>
  </Contents>
  <Contents>
    <Key>live/lse_a/720p/a&amp;b.m4s</Key>
    <Size>1</Size>
  </Contents>
  <CommonPrefixes><Prefix>live/lse_a/other/</Prefix></CommonPrefixes>
</ListBucketResult>
)";

TEST(S3Responses, ListObjectsV2PageWithToken) {
  auto page = parse_list_objects_v2(kTruncatedPage);
  ASSERT_TRUE(page.ok()) << page.error().describe();
  EXPECT_EQ(page->keys,
            (std::vector<std::string>{"live/lse_a/720p/init.mp4", "live/lse_a/720p/a&b.m4s"}));
  EXPECT_TRUE(page->is_truncated);
  EXPECT_EQ(page->next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(S3Responses, ListObjectsV2LastAndEmptyPages) {
  auto last = parse_list_objects_v2(
      "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key></Contents>"
      "</ListBucketResult>");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->keys, std::vector<std::string>{"k"});
  EXPECT_FALSE(last->is_truncated);
  auto empty = parse_list_objects_v2("<ListBucketResult/>");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->keys.empty());
}

TEST(S3Responses, ListObjectsV2RefusesWhatItCannotFollow) {
  EXPECT_FALSE(parse_list_objects_v2("<Error><Code>NoSuchBucket</Code></Error>").ok());
  EXPECT_FALSE(parse_list_objects_v2("<html>oops").ok());
  // Truncated with no token: following it would ask for the same page forever.
  EXPECT_FALSE(
      parse_list_objects_v2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>")
          .ok());
}

TEST(S3Responses, ErrorBody) {
  ErrorBody e = parse_error_body(
      "<?xml version='1.0' encoding='UTF-8'?>\n<Error><Code>SignatureDoesNotMatch</Code>"
      "<Message>The request signature we calculated does not match the signature you "
      "provided.</Message><StringToSign>AWS4-HMAC-SHA256...</StringToSign>"
      "<RequestId>tx1</RequestId></Error>");
  EXPECT_EQ(e.code, "SignatureDoesNotMatch");
  EXPECT_EQ(e.message,
            "The request signature we calculated does not match the signature you provided.");
  ErrorBody none = parse_error_body("<html><body>502 Bad Gateway</body></html>");
  EXPECT_TRUE(none.code.empty());
  EXPECT_TRUE(parse_error_body("").code.empty());
}

}  // namespace
}  // namespace antcdn::format::s3
