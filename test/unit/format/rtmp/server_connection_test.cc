#include "format/rtmp/server_connection.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/bytes_helpers.h"
#include "unit/format/rtmp/test_client.h"

namespace antcdn::format::rtmp {
namespace {

using amf0::Value;
using antcdn::test::concat;
using antcdn::test::hex;
using test::command_name;

Command command_of(const Message& m) {
  Result<Command> c = parse_command(m.header.type, m.payload);
  EXPECT_TRUE(c.ok());
  return c.ok() ? *c : Command{};
}

class ServerConnectionTest : public testing::Test {
 protected:
  // Feeds bytes that must be accepted; returns the messages the server sent.
  std::vector<Message> feed(const Bytes& b) {
    Status s = conn_.feed(b);
    EXPECT_TRUE(s.ok()) << s.error().describe();
    return out_.read(conn_.take_output());
  }

  std::vector<ConnectionEvent> events() {
    std::vector<ConnectionEvent> all;
    while (auto e = conn_.poll_event()) {
      all.push_back(std::move(*e));
    }
    return all;
  }

  void handshake() {
    feed(test::plain_c0c1());
    feed(test::plain_c2());
    ASSERT_TRUE(conn_.handshake_done());
  }

  void connect_and_create() {
    handshake();
    feed(client_.connect());
    feed(client_.command(0, "createStream", 4));
    events();
  }

  void publish(const std::string& name) {
    connect_and_create();
    EXPECT_TRUE(feed(client_.publish(name)).empty());
  }

  Status feed_status(const Bytes& b) { return conn_.feed(b); }

  ServerConnection conn_;
  test::TestClient client_;
  test::ServerOutputReader out_;
};

TEST_F(ServerConnectionTest, HandshakeOutputsS0S1S2) {
  ASSERT_TRUE(conn_.feed(test::plain_c0c1()).ok());
  EXPECT_EQ(conn_.take_output().size(), 3073u);
  EXPECT_FALSE(conn_.handshake_done());
  ASSERT_TRUE(conn_.feed(test::plain_c2()).ok());
  EXPECT_TRUE(conn_.handshake_done());
  EXPECT_TRUE(conn_.take_output().empty());
}

TEST_F(ServerConnectionTest, ConnectReply) {
  handshake();
  std::vector<Message> msgs = feed(client_.connect("live"));
  ASSERT_EQ(msgs.size(), 5u);
  EXPECT_EQ(msgs[0].header.type, MessageType::WindowAckSize);
  EXPECT_EQ(msgs[0].payload, hex("00 26 25 a0"));
  EXPECT_EQ(msgs[1].header.type, MessageType::SetPeerBandwidth);
  EXPECT_EQ(msgs[1].payload, hex("00 26 25 a0 02"));
  EXPECT_EQ(msgs[2].header.type, MessageType::SetChunkSize);
  EXPECT_EQ(msgs[2].payload, hex("00 00 10 00"));
  Command result = command_of(msgs[3]);
  EXPECT_EQ(result.name, "_result");
  EXPECT_EQ(result.transaction_id, 1);
  EXPECT_EQ(result.object.find_string("fmsVer"), "FMS/3,5,7,7009");
  ASSERT_EQ(result.args.size(), 1u);
  EXPECT_EQ(result.args[0].find_string("code"), "NetConnection.Connect.Success");
  EXPECT_EQ(result.args[0].find_string("level"), "status");
  EXPECT_EQ(result.args[0].find_number("objectEncoding"), 0);
  EXPECT_EQ(command_name(msgs[4]), "onBWDone");

  std::vector<ConnectionEvent> ev = events();
  ASSERT_EQ(ev.size(), 1u);
  const auto& connected = std::get<Connected>(ev[0]);
  EXPECT_EQ(connected.app, "live");
  EXPECT_EQ(connected.tc_url, "rtmp://127.0.0.1/live");
  EXPECT_EQ(connected.flash_ver, "FMLE/3.0 (compatible; FMSc/1.0)");
}

TEST_F(ServerConnectionTest, FullPublishFlow) {
  handshake();
  feed(client_.connect());
  // What ffmpeg and OBS send before publish.
  std::vector<Message> msgs =
      feed(concat({client_.command(0, "releaseStream", 2, Value::null(), {Value::string("key")}),
                   client_.command(0, "FCPublish", 3, Value::null(), {Value::string("key")}),
                   client_.command(0, "createStream", 4)}));
  ASSERT_EQ(msgs.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    Command c = command_of(msgs[i]);
    EXPECT_EQ(c.name, "_result");
    EXPECT_EQ(c.transaction_id, 2 + i);
  }
  EXPECT_EQ(command_of(msgs[2]).args.at(0), Value::number(1));
  events();

  EXPECT_TRUE(feed(client_.publish("sk_live_abc?token=1&x=2")).empty());
  std::vector<ConnectionEvent> ev = events();
  ASSERT_EQ(ev.size(), 1u);
  const auto& req = std::get<PublishRequested>(ev[0]);
  EXPECT_EQ(req.app, "live");
  EXPECT_EQ(req.stream_name, "sk_live_abc");
  EXPECT_EQ(req.query, "token=1&x=2");
  EXPECT_EQ(req.tc_url, "rtmp://127.0.0.1/live");
  EXPECT_EQ(req.publish_type, "live");
  EXPECT_FALSE(conn_.publishing());

  // Metadata and media sent before the owner decides are held back.
  Bytes early_video = hex("17 00 00 00 00 01 64 00 1f");
  feed(concat({client_.metadata(), client_.media(MessageType::Video, 0, early_video)}));
  EXPECT_TRUE(events().empty());

  ASSERT_TRUE(conn_.accept_publish().ok());
  EXPECT_TRUE(conn_.publishing());
  msgs = out_.read(conn_.take_output());
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].header.type, MessageType::UserControl);
  EXPECT_EQ(msgs[0].payload, hex("00 00 00 00 00 01"));  // StreamBegin 1
  Command start = command_of(msgs[1]);
  EXPECT_EQ(start.name, "onStatus");
  EXPECT_EQ(msgs[1].header.stream_id, 1u);
  EXPECT_EQ(start.args.at(0).find_string("code"), "NetStream.Publish.Start");
  EXPECT_EQ(start.args.at(0).find_string("level"), "status");

  ev = events();
  ASSERT_EQ(ev.size(), 2u);
  const auto& meta = std::get<Metadata>(ev[0]);
  EXPECT_EQ(meta.data.find_number("width"), 1280);
  EXPECT_EQ(std::get<Media>(ev[1]).payload, early_video);

  // Media after accept flows straight through, large frames reassembled.
  Bytes frame(10000, std::byte{0x27});
  feed(concat({client_.media(MessageType::Audio, 23, hex("af 01 21 10")),
               client_.media(MessageType::Video, 33, frame)}));
  ev = events();
  ASSERT_EQ(ev.size(), 2u);
  const auto& audio = std::get<Media>(ev[0]);
  EXPECT_EQ(audio.kind, media::MediaKind::Audio);
  EXPECT_EQ(audio.timestamp, 23u);
  EXPECT_EQ(audio.payload, hex("af 01 21 10"));
  const auto& video = std::get<Media>(ev[1]);
  EXPECT_EQ(video.kind, media::MediaKind::Video);
  EXPECT_EQ(video.timestamp, 33u);
  EXPECT_EQ(video.payload, frame);

  msgs = feed(concat({client_.command(0, "FCUnpublish", 6, Value::null(), {Value::string("key")}),
                      client_.command(1, "deleteStream", 7, Value::null(), {Value::number(1)})}));
  ev = events();
  ASSERT_EQ(ev.size(), 1u);  // once, though both commands end the publish
  EXPECT_TRUE(std::get<Unpublished>(ev[0]).clean);
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(command_of(msgs[0]).name, "_result");
  EXPECT_EQ(command_of(msgs[1]).args.at(0).find_string("code"), "NetStream.Unpublish.Success");
  EXPECT_EQ(command_of(msgs[2]).name, "_result");
  EXPECT_FALSE(conn_.publishing());
}

TEST_F(ServerConnectionTest, RejectPath) {
  publish("wrong-key");
  events();
  feed(client_.media(MessageType::Video, 0, hex("17 00")));
  ASSERT_TRUE(conn_.reject_publish("NetStream.Publish.BadName", "invalid stream key").ok());
  std::vector<Message> msgs = out_.read(conn_.take_output());
  ASSERT_EQ(msgs.size(), 1u);
  Command c = command_of(msgs[0]);
  EXPECT_EQ(c.name, "onStatus");
  EXPECT_EQ(c.args.at(0).find_string("level"), "error");
  EXPECT_EQ(c.args.at(0).find_string("code"), "NetStream.Publish.BadName");
  EXPECT_EQ(c.args.at(0).find_string("description"), "invalid stream key");
  EXPECT_TRUE(conn_.closed());
  EXPECT_TRUE(events().empty());  // held media is dropped
  // Further input is ignored, even garbage.
  EXPECT_TRUE(conn_.feed(hex("ff ff ff ff")).ok());
  EXPECT_TRUE(conn_.take_output().empty());
  EXPECT_FALSE(conn_.accept_publish().ok());
}

TEST_F(ServerConnectionTest, AcceptWithoutPendingPublishIsAConflict) {
  connect_and_create();
  Status s = conn_.accept_publish();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::Conflict);
}

TEST_F(ServerConnectionTest, SendStatus) {
  publish("key");
  ASSERT_TRUE(conn_.accept_publish().ok());
  conn_.take_output();
  conn_.send_status("error", "NetStream.Publish.Idle", "stream key rotated");
  std::vector<Message> msgs = out_.read(conn_.take_output());
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(command_of(msgs[0]).args.at(0).find_string("code"), "NetStream.Publish.Idle");
}

TEST_F(ServerConnectionTest, UnpublishWhilePending) {
  publish("key");
  events();
  feed(client_.command(1, "deleteStream", 0, Value::null(), {Value::number(1)}));
  std::vector<ConnectionEvent> ev = events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Unpublished>(ev[0]));
  EXPECT_FALSE(conn_.accept_publish().ok());
}

TEST_F(ServerConnectionTest, AnswersPingsAndIgnoresOtherUserControl) {
  handshake();
  Bytes ping = client_.message(make_ping_request(1234));
  Bytes buffer = client_.message({.chunk_stream_id = 2, .type = MessageType::UserControl},
                                 hex("00 03 00 00 00 01 00 00 0b b8"));
  std::vector<Message> msgs = feed(concat({ping, buffer}));
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].payload, hex("00 07 00 00 04 d2"));
}

TEST_F(ServerConnectionTest, AcknowledgesThePeerWindow) {
  handshake();
  feed(client_.message(make_window_ack_size(4000)));
  // 3073 handshake bytes + 16 so far; the next 1000-byte feed crosses 4000.
  std::vector<Message> msgs = feed(client_.connect());
  EXPECT_EQ(msgs.size(), 5u);
  msgs = feed(client_.command(0, "createStream", 2, Value::null(),
                              {Value::string(std::string(1000, 'x'))}));
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[1].header.type, MessageType::Acknowledgement);
  ByteReader r(msgs[1].payload);
  EXPECT_EQ(r.u32be(), conn_.bytes_received());
  EXPECT_GE(conn_.bytes_received(), 4000u);
}

TEST_F(ServerConnectionTest, PeerChunkSizeIsHonoured) {
  publish("key");
  ASSERT_TRUE(conn_.accept_publish().ok());
  events();
  Bytes frame(100000, std::byte{0x11});
  feed(concat({client_.set_chunk_size(60000), client_.media(MessageType::Video, 5, frame)}));
  std::vector<ConnectionEvent> ev = events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(std::get<Media>(ev[0]).payload, frame);
}

TEST_F(ServerConnectionTest, UnknownCommandsAnsweredHarmlessly) {
  connect_and_create();
  std::vector<Message> msgs =
      feed(concat({client_.command(0, "_checkbw", 5), client_.command(0, "getStreamLength", 6),
                   client_.command(0, "someFutureCommand", 0), client_.command(0, "_result", 7)}));
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(command_of(msgs[0]).transaction_id, 5);
  EXPECT_EQ(command_of(msgs[1]).transaction_id, 6);
  EXPECT_TRUE(events().empty());
}

TEST_F(ServerConnectionTest, Amf3CommandEnvelope) {
  handshake();
  Bytes body =
      concat({hex("00"), amf0::encode_all({Value::string("connect"), Value::number(1),
                                           Value::object({{"app", Value::string("a")}})})});
  std::vector<Message> msgs =
      feed(client_.message({.chunk_stream_id = 3, .type = MessageType::CommandAmf3}, body));
  EXPECT_EQ(msgs.size(), 5u);
}

TEST_F(ServerConnectionTest, OtherDataMessagesAreIgnored) {
  publish("key");
  ASSERT_TRUE(conn_.accept_publish().ok());
  events();
  Bytes body = amf0::encode_all({Value::string("onTextData"), Value::object({})});
  feed(
      client_.message({.chunk_stream_id = 4, .type = MessageType::DataAmf0, .stream_id = 1}, body));
  EXPECT_TRUE(events().empty());
}

// Feeding the whole client byte stream one byte at a time gives the same events.
TEST_F(ServerConnectionTest, ByteAtATime) {
  Bytes frame(5000, std::byte{0x33});
  Bytes all = concat({test::plain_c0c1(), test::plain_c2(), client_.connect(),
                      client_.command(0, "createStream", 2), client_.publish("k"),
                      client_.metadata(), client_.media(MessageType::Video, 1, frame),
                      client_.media(MessageType::Audio, 2, hex("af 01")),
                      client_.command(0, "FCUnpublish", 3)});
  std::vector<ConnectionEvent> ev;
  for (std::byte b : all) {
    ASSERT_TRUE(conn_.feed(ByteSpan(&b, 1)).ok());
    while (auto e = conn_.poll_event()) {
      if (std::holds_alternative<PublishRequested>(*e)) {
        ASSERT_TRUE(conn_.accept_publish().ok());
      }
      ev.push_back(std::move(*e));
    }
  }
  ASSERT_EQ(ev.size(), 6u);
  EXPECT_TRUE(std::holds_alternative<Connected>(ev[0]));
  EXPECT_EQ(std::get<PublishRequested>(ev[1]).stream_name, "k");
  EXPECT_TRUE(std::holds_alternative<Metadata>(ev[2]));
  EXPECT_EQ(std::get<Media>(ev[3]).payload, frame);
  EXPECT_EQ(std::get<Media>(ev[4]).timestamp, 2u);
  EXPECT_TRUE(std::holds_alternative<Unpublished>(ev[5]));
}

// Protocol violations: the connection fails with a clear error and stays dead.
class ServerConnectionErrors : public ServerConnectionTest {
 protected:
  void expect_failure(const Bytes& b, Code code, const std::string& fragment) {
    Status s = conn_.feed(b);
    ASSERT_FALSE(s.ok()) << fragment;
    EXPECT_EQ(s.error().code, code) << s.error().describe();
    EXPECT_NE(s.error().describe().find(fragment), std::string::npos) << s.error().describe();
    EXPECT_TRUE(conn_.closed());
    EXPECT_FALSE(conn_.feed(client_.connect()).ok());
  }
};

TEST_F(ServerConnectionErrors, BadVersion) {
  expect_failure(hex("06"), Code::Unsupported, "unsupported version 6");
}

TEST_F(ServerConnectionErrors, CommandBeforeConnect) {
  handshake();
  expect_failure(client_.command(0, "createStream", 2), Code::InvalidArgument, "before connect");
}

TEST_F(ServerConnectionErrors, SecondConnect) {
  handshake();
  feed(client_.connect());
  expect_failure(client_.connect(), Code::InvalidArgument, "second connect");
}

TEST_F(ServerConnectionErrors, MediaBeforePublish) {
  connect_and_create();
  expect_failure(client_.media(MessageType::Video, 0, hex("17 00")), Code::InvalidArgument,
                 "video message before publish");
}

TEST_F(ServerConnectionErrors, MetadataBeforePublish) {
  connect_and_create();
  expect_failure(client_.metadata(), Code::InvalidArgument, "metadata before publish");
}

TEST_F(ServerConnectionErrors, SecondPublish) {
  publish("a");
  ASSERT_TRUE(conn_.accept_publish().ok());
  expect_failure(client_.publish("b"), Code::InvalidArgument, "only one publish");
}

TEST_F(ServerConnectionErrors, MalformedChunk) {
  handshake();
  expect_failure(hex("43 00 00 00 00 00 01 14 05"), Code::InvalidArgument, "expected fmt 0");
}

TEST_F(ServerConnectionErrors, MalformedCommand) {
  handshake();
  expect_failure(client_.message({.chunk_stream_id = 3}, hex("02 00 09 63 6f")),
                 Code::InvalidArgument, "truncated string");
}

TEST_F(ServerConnectionErrors, OversizedCommand) {
  handshake();
  expect_failure(client_.command(0, "connect", 1, Value::string(std::string(70000, 'a'))),
                 Code::ResourceExhausted, "exceeds the limit");
}

TEST_F(ServerConnectionErrors, TooMuchMediaHeldWhilePending) {
  publish("k");
  Bytes frame(16 * 1024, std::byte{1});
  Bytes many;
  for (int i = 0; i < 5; ++i) {
    many = concat({many, client_.media(MessageType::Video, i, frame)});
  }
  expect_failure(many, Code::ResourceExhausted, "before the publish was accepted");
}

// Before a publish is accepted the peer has proved nothing: a message larger
// than 64 KiB is refused on its header, before its bytes are buffered.
TEST_F(ServerConnectionErrors, LargeMessageBeforeConnect) {
  handshake();
  // A command announcing 16 MiB - 1 bytes, the most a message header can.
  Bytes header = hex("03 00 00 00 ff ff ff 14 00 00 00 00");
  expect_failure(header, Code::ResourceExhausted, "exceeds the limit of 65536");
}

TEST_F(ServerConnectionErrors, LargeFrameWhilePending) {
  publish("k");
  expect_failure(client_.media(MessageType::Video, 0, Bytes(100000, std::byte{1})),
                 Code::ResourceExhausted, "exceeds the limit of 65536");
}

TEST_F(ServerConnectionErrors, PartialMessagesBeyond64KiBBeforePublish) {
  handshake();
  feed(client_.set_chunk_size(40000));
  // Two messages of 65,000 bytes on two chunk streams, each cut after its
  // first 40,000-byte chunk: 80,000 bytes would wait for their rest.
  Bytes first = concat({hex("04 00 00 00 00 fd e8 09 01 00 00 00"), Bytes(40000, std::byte{2})});
  Bytes second = concat({hex("05 00 00 00 00 fd e8 09 01 00 00 00"), Bytes(40000, std::byte{2})});
  expect_failure(concat({first, second}), Code::ResourceExhausted,
                 "bytes buffered in partial messages");
}

TEST_F(ServerConnectionTest, LargeFramesFlowOnceThePublishIsAccepted) {
  publish("k");
  ASSERT_TRUE(conn_.accept_publish().ok());
  events();
  Bytes frame(1024 * 1024, std::byte{3});
  feed(client_.media(MessageType::Video, 0, frame));
  std::vector<ConnectionEvent> ev = events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(std::get<Media>(ev[0]).payload.size(), frame.size());
}

}  // namespace
}  // namespace antcdn::format::rtmp
