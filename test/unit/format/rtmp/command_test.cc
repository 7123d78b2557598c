#include "format/rtmp/command.h"

#include <gtest/gtest.h>

#include "format/amf0/encoder.h"
#include "support/bytes_helpers.h"

namespace antcdn::format::rtmp {
namespace {

using amf0::Value;
using antcdn::test::hex;

TEST(RtmpCommand, ParseConnect) {
  Bytes body = amf0::encode_all({Value::string("connect"), Value::number(1),
                                 Value::object({{"app", Value::string("live")}})});
  Result<Command> c = parse_command(MessageType::CommandAmf0, body);
  ASSERT_TRUE(c.ok()) << c.error().describe();
  EXPECT_EQ(c->name, "connect");
  EXPECT_EQ(c->transaction_id, 1);
  EXPECT_EQ(c->object.find_string("app"), "live");
  EXPECT_TRUE(c->args.empty());
}

TEST(RtmpCommand, ParsePublishWithArgs) {
  Bytes body = amf0::encode_all({Value::string("publish"), Value::number(0), Value::null(),
                                 Value::string("key"), Value::string("live")});
  Result<Command> c = parse_command(MessageType::CommandAmf0, body);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->object.is_null());
  ASSERT_EQ(c->args.size(), 2u);
  EXPECT_EQ(c->args[0].as_string(), "key");
}

TEST(RtmpCommand, ShortCommandsAreAccepted) {
  Result<Command> c =
      parse_command(MessageType::CommandAmf0, amf0::encode_all({Value::string("x")}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->transaction_id, 0);
  EXPECT_TRUE(c->object.is_null());
}

TEST(RtmpCommand, Amf3CommandWithAmf0Body) {
  Bytes body = hex("00");
  Bytes rest = amf0::encode_all({Value::string("createStream"), Value::number(4), Value::null()});
  body.insert(body.end(), rest.begin(), rest.end());
  Result<Command> c = parse_command(MessageType::CommandAmf3, body);
  ASSERT_TRUE(c.ok()) << c.error().describe();
  EXPECT_EQ(c->name, "createStream");
  // Without the format byte it is real AMF3, which we do not speak.
  Result<Command> amf3 = parse_command(MessageType::CommandAmf3, rest);
  ASSERT_FALSE(amf3.ok());
  EXPECT_EQ(amf3.error().code, Code::Unsupported);
}

TEST(RtmpCommand, Malformed) {
  EXPECT_FALSE(parse_command(MessageType::CommandAmf0, {}).ok());
  EXPECT_FALSE(parse_command(MessageType::CommandAmf0, amf0::encode_all({Value::number(1)})).ok());
  Result<Command> bad = parse_command(MessageType::CommandAmf0, hex("02 00 05 61"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().describe().rfind("rtmp command: amf0: truncated", 0), 0u)
      << bad.error().describe();
}

TEST(RtmpCommand, ResultRoundTrip) {
  Message m = make_result(4, Value::null(), Value::number(1));
  EXPECT_EQ(m.header.type, MessageType::CommandAmf0);
  EXPECT_EQ(m.header.chunk_stream_id, kCommandChunkStream);
  EXPECT_EQ(m.header.stream_id, 0u);
  Result<Command> c = parse_command(m.header.type, m.payload);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->name, "_result");
  EXPECT_EQ(c->transaction_id, 4);
  ASSERT_EQ(c->args.size(), 1u);
  EXPECT_EQ(c->args[0], Value::number(1));

  Result<Command> e = parse_command(MessageType::CommandAmf0,
                                    make_error_reply(2, Value::null(), Value::null()).payload);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->name, "_error");
}

TEST(RtmpCommand, OnStatus) {
  Message m = make_on_status(1, "error", "NetStream.Publish.BadName", "bad key");
  EXPECT_EQ(m.header.stream_id, 1u);
  EXPECT_EQ(m.header.chunk_stream_id, kStatusChunkStream);
  Result<Command> c = parse_command(m.header.type, m.payload);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->name, "onStatus");
  EXPECT_EQ(c->transaction_id, 0);
  ASSERT_EQ(c->args.size(), 1u);
  EXPECT_EQ(c->args[0].find_string("level"), "error");
  EXPECT_EQ(c->args[0].find_string("code"), "NetStream.Publish.BadName");
  EXPECT_EQ(c->args[0].find_string("description"), "bad key");
}

TEST(RtmpCommand, OnBwDone) {
  Result<Command> c = parse_command(MessageType::CommandAmf0, make_on_bw_done().payload);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->name, "onBWDone");
}

TEST(RtmpCommand, DecodeDataBody) {
  Bytes body = hex("00");
  Bytes rest = amf0::encode_all({Value::string("onMetaData"), Value::object({})});
  body.insert(body.end(), rest.begin(), rest.end());
  Result<std::vector<Value>> v = decode_body(MessageType::DataAmf3, body);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->size(), 2u);
  EXPECT_TRUE(decode_body(MessageType::DataAmf0, rest).ok());
}

}  // namespace
}  // namespace antcdn::format::rtmp
