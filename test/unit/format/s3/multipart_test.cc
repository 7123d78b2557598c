#include "format/s3/multipart.h"

#include <gtest/gtest.h>

namespace antcdn::format::s3 {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

TEST(PlanParts, CutsIntoPreferredPartsWithAShorterLastOne) {
  auto p = plan_parts(40 * kMiB + 1, 16 * kMiB);
  EXPECT_EQ(p.part_bytes, 16 * kMiB);
  EXPECT_EQ(p.parts, 3u);
  EXPECT_EQ(plan_parts(32 * kMiB, 16 * kMiB).parts, 2u);
  EXPECT_EQ(plan_parts(1, 16 * kMiB).parts, 1u);
  EXPECT_EQ(plan_parts(0, 16 * kMiB).parts, 1u);
}

TEST(PlanParts, GrowsThePartsToStayWithinTenThousand) {
  const uint64_t huge = 500 * 1024 * kMiB;  // 500 GiB at 16 MiB would be 32,000 parts
  auto p = plan_parts(huge, 16 * kMiB);
  EXPECT_LE(p.parts, kMaxParts);
  EXPECT_GE(p.part_bytes * p.parts, huge);
  EXPECT_LT(p.part_bytes * (p.parts - 1), huge) << "no empty part";
  EXPECT_EQ(plan_parts(10, 0).part_bytes, 1u);
}

TEST(MultipartXml, ReadsTheUploadId) {
  auto id = parse_upload_id(
      "<?xml version=\"1.0\"?><InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
      "<UploadId>VXBsb2Fk&amp;SUQ</UploadId></InitiateMultipartUploadResult>");
  ASSERT_TRUE(id.ok()) << id.error().describe();
  EXPECT_EQ(*id, "VXBsb2Fk&SUQ");
  EXPECT_FALSE(parse_upload_id("<InitiateMultipartUploadResult/>").ok());
  EXPECT_FALSE(parse_upload_id("<Error><Code>AccessDenied</Code></Error>").ok());
  EXPECT_FALSE(parse_upload_id("not xml <").ok());
}

TEST(MultipartXml, CompleteBodyNamesEveryPartInOrder) {
  EXPECT_EQ(complete_multipart_body({"\"a1\"", "\"b&2\""}),
            R"(<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload>)"
            "<Part><PartNumber>1</PartNumber><ETag>\"a1\"</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>\"b&amp;2\"</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST(MultipartXml, ACompleteAnswerMayBeAnErrorDespiteItsStatus) {
  EXPECT_TRUE(check_complete_result("<CompleteMultipartUploadResult><ETag>\"x-2\"</ETag>"
                                    "</CompleteMultipartUploadResult>")
                  .ok());
  Status failed = check_complete_result(
      "<Error><Code>InternalError</Code><Message>try again</Message></Error>");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, Code::Unavailable);
  EXPECT_NE(failed.error().message.find("InternalError"), std::string::npos);
  EXPECT_EQ(check_complete_result("<Other/>").error().code, Code::InvalidArgument);
}

TEST(ContentRangeHeader, BothForms) {
  auto r = parse_content_range("bytes 100-199/1234");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 100u);
  EXPECT_EQ(r->last, 199u);
  EXPECT_EQ(r->total, 1234u);
  auto unsatisfied = parse_content_range("bytes */1234");
  ASSERT_TRUE(unsatisfied);
  EXPECT_FALSE(unsatisfied->first);
  EXPECT_EQ(unsatisfied->total, 1234u);
  auto big = parse_content_range("bytes 5368709120-5370806271/10737418240");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->total, 10737418240u);
}

TEST(ContentRangeHeader, WhatIsNotOneIsRefused) {
  for (std::string_view bad :
       {"", "bytes", "bytes 0-1", "bytes 0-1/*", "items 0-1/2", "bytes 5-4/10", "bytes 0-10/10",
        "bytes -1/10", "bytes 0-1/99999999999999999999", "bytes  0-1/2", "bytes 0-1/2 "}) {
    EXPECT_FALSE(parse_content_range(bad)) << bad;
  }
}

}  // namespace
}  // namespace antcdn::format::s3
