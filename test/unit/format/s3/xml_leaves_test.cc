#include "format/s3/xml_leaves.h"

#include <gtest/gtest.h>

namespace antcdn::format::s3 {
namespace {

std::vector<std::pair<std::string, std::string>> flat(std::string_view xml) {
  auto r = xml_leaves(xml);
  EXPECT_TRUE(r.ok()) << xml << ": " << (r.ok() ? "" : r.error().describe());
  std::vector<std::pair<std::string, std::string>> out;
  if (r.ok()) {
    for (auto& leaf : *r) {
      out.emplace_back(leaf.path, leaf.text);
    }
  }
  return out;
}

using Leaves = std::vector<std::pair<std::string, std::string>>;

TEST(S3XmlLeaves, FlattensLeavesInDocumentOrder) {
  EXPECT_EQ(flat("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<R xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
                 "  <A>1</A>\n"
                 "  <B><C>2</C><C>3</C></B>\n"
                 "  <D/><E attr='x>y' other=\"/\" />\n"
                 "</R>\n"),
            (Leaves{{"R/A", "1"}, {"R/B/C", "2"}, {"R/B/C", "3"}, {"R/D", ""}, {"R/E", ""}}));
}

TEST(S3XmlLeaves, DecodesEntitiesAndCdata) {
  EXPECT_EQ(flat("<K>a&amp;b&lt;&gt;&quot;&apos;&#65;&#x42;&#xe9;&#x1F600;</K>"),
            (Leaves{{"K", "a&b<>\"'AB\xc3\xa9\xf0\x9f\x98\x80"}}));
  EXPECT_EQ(flat("<K><![CDATA[<raw & kept>]]>!</K>"), (Leaves{{"K", "<raw & kept>!"}}));
  EXPECT_EQ(flat("<!-- c --><K>x<!-- inside -->y</K>"), (Leaves{{"K", "xy"}}));
}

TEST(S3XmlLeaves, RefusesMalformedOrDangerousInput) {
  for (const char* bad : {
           "",
           "   ",
           "text",
           "<A>",
           "<A></B>",
           "<A><B></A></B>",
           "<A></A><B></B>",
           "<A>&unknown;</A>",
           "<A>&amp</A>",
           "<A>&#0;</A>",
           "<A>&#xD800;</A>",
           "<A>&#x110000;</A>",
           "<!DOCTYPE A [<!ENTITY x \"y\">]><A>&x;</A>",
           "<A><![CDATA[x</A>",
           "<A x='>",
           "<A></A>trailing",
           "<AB></A>",
           "<BA></A>",
           "<A><B></A/B></A>",
       }) {
    EXPECT_FALSE(xml_leaves(bad).ok()) << bad;
  }
}

TEST(S3XmlLeaves, BoundsNesting) {
  std::string ok;
  for (int i = 0; i < 32; ++i) {
    ok = "<a>" + ok + "</a>";
  }
  EXPECT_TRUE(xml_leaves(ok).ok());
  EXPECT_FALSE(xml_leaves("<a>" + ok + "</a>").ok());
}

}  // namespace
}  // namespace antcdn::format::s3
