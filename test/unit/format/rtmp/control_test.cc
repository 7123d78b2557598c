#include "format/rtmp/control.h"

#include <gtest/gtest.h>

#include "support/bytes_helpers.h"

namespace antcdn::format::rtmp {
namespace {

using antcdn::test::hex;

void expect_control(const Message& m, MessageType type, const Bytes& payload) {
  EXPECT_EQ(m.header.chunk_stream_id, 2u);
  EXPECT_EQ(m.header.stream_id, 0u);
  EXPECT_EQ(m.header.timestamp, 0u);
  EXPECT_EQ(m.header.type, type);
  EXPECT_EQ(m.payload, payload);
}

TEST(RtmpControl, Builders) {
  expect_control(make_set_chunk_size(4096), MessageType::SetChunkSize, hex("00 00 10 00"));
  expect_control(make_abort(6), MessageType::Abort, hex("00 00 00 06"));
  expect_control(make_acknowledgement(0x01020304), MessageType::Acknowledgement,
                 hex("01 02 03 04"));
  expect_control(make_window_ack_size(2500000), MessageType::WindowAckSize, hex("00 26 25 a0"));
  expect_control(make_set_peer_bandwidth(2500000, PeerBandwidthLimit::Dynamic),
                 MessageType::SetPeerBandwidth, hex("00 26 25 a0 02"));
  expect_control(make_stream_begin(1), MessageType::UserControl, hex("00 00 00 00 00 01"));
  expect_control(make_ping_request(77), MessageType::UserControl, hex("00 06 00 00 00 4d"));
  expect_control(make_ping_response(77), MessageType::UserControl, hex("00 07 00 00 00 4d"));
}

TEST(RtmpControl, SetChunkSizeNeverSetsTheHighBit) {
  EXPECT_EQ(make_set_chunk_size(0xffffffff).payload, hex("7f ff ff ff"));
}

TEST(RtmpControl, ParseU32) {
  Result<uint32_t> v = parse_u32_control(hex("00 00 10 00 ff"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 4096u);
  EXPECT_FALSE(parse_u32_control(hex("00 10 00")).ok());
}

TEST(RtmpControl, ParseUserControl) {
  Result<UserControl> ping = parse_user_control(hex("00 06 00 00 01 00"));
  ASSERT_TRUE(ping.ok());
  EXPECT_EQ(ping->event, UserControlEvent::PingRequest);
  EXPECT_EQ(ping->value, 256u);

  Result<UserControl> buffer = parse_user_control(hex("00 03 00 00 00 01 00 00 0b b8"));
  ASSERT_TRUE(buffer.ok());
  EXPECT_EQ(buffer->event, UserControlEvent::SetBufferLength);
  EXPECT_EQ(buffer->value, 1u);
  EXPECT_EQ(buffer->buffer_length, 3000u);

  EXPECT_FALSE(parse_user_control(hex("00 03 00 00 00 01")).ok());
  EXPECT_FALSE(parse_user_control(hex("00 06 00")).ok());
  EXPECT_FALSE(parse_user_control({}).ok());
}

}  // namespace
}  // namespace antcdn::format::rtmp
