#include "ingest/srt/stream_id.h"

#include <gtest/gtest.h>

namespace antcdn::ingest::srt {
namespace {

TEST(SrtStreamId, PlainKeyOrAccessControlResource) {
  EXPECT_EQ(*stream_key_from_stream_id("sk_live_abc"), "sk_live_abc");
  EXPECT_EQ(*stream_key_from_stream_id("#!::r=sk_live_abc,m=publish"), "sk_live_abc");
  EXPECT_EQ(*stream_key_from_stream_id("#!::m=publish,u=obs,r=sk_live_abc"), "sk_live_abc");
  EXPECT_EQ(*stream_key_from_stream_id("#!::r=sk_live_abc"), "sk_live_abc");
}

TEST(SrtStreamId, MissingKeyOrOtherModesAreRefused) {
  for (const char* id : {"", "#!::", "#!::m=publish", "#!::r=,m=publish", "#!::r=k,m=request",
                         "#!::r=k,m=bidirectional"}) {
    auto key = stream_key_from_stream_id(id);
    ASSERT_FALSE(key.ok()) << id;
    EXPECT_EQ(key.error().code, Code::InvalidArgument) << id;
  }
}

}  // namespace
}  // namespace antcdn::ingest::srt
