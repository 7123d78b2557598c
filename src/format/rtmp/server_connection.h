#pragma once

// The server side of one RTMP publishing connection, sans-I/O.
//
//   feed(bytes read from the socket)  -> Status (an error means: close now)
//   take_output()                     -> bytes to write to the socket
//   poll_event()                      -> Connected, PublishRequested, Metadata, Media, Unpublished
//
// It runs the handshake, reassembles chunks, answers protocol control (chunk
// size, acknowledgements, pings) and the command flow encoders use (connect,
// releaseStream, FCPublish, createStream, publish, FCUnpublish, deleteStream).
// A publish is not answered until the owner decides: accept_publish() or
// reject_publish(). Media arriving in between is held back and released in
// order on accept, so events always read PublishRequested, Metadata/Media...,
// Unpublished. One publish per connection.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "format/amf0/decoder.h"
#include "format/rtmp/chunk_reader.h"
#include "format/rtmp/chunk_writer.h"
#include "format/rtmp/command.h"
#include "format/rtmp/connection_event.h"
#include "format/rtmp/handshake.h"

namespace antcdn::format::rtmp {

struct ServerConnectionOptions {
  uint32_t chunk_size = 4096;          // our outgoing chunk size, announced after connect
  uint32_t window_ack_size = 2500000;  // asks the peer to acknowledge every N bytes
  uint32_t peer_bandwidth = 2500000;   // Set Peer Bandwidth value (dynamic limit)
  bool send_bw_done = true;            // onBWDone after connect, as Flash-era encoders expect
  size_t max_command_size = size_t{64} * 1024;  // larger command/data messages are an error
  // Media held while a publish awaits the owner's answer: encoders wait for
  // NetStream.Publish.Start before sending any, so this only bounds a hostile peer.
  size_t max_held_media_bytes = size_t{64} * 1024;
  ChunkReaderLimits chunk_limits;  // once the publish is accepted
  // Until then the peer has proved nothing: a message and all partial messages
  // together stay within 64 KiB (commands are far smaller).
  ChunkReaderLimits pre_publish_chunk_limits{.max_message_size = 64 * 1024,
                                             .max_buffered_bytes = size_t{64} * 1024};
  amf0::DecodeLimits amf0_limits;
  HandshakeOptions handshake;
};

class ServerConnection {
 public:
  static constexpr uint32_t kStreamId = 1;  // the one message stream createStream hands out

  explicit ServerConnection(ServerConnectionOptions options = {});

  // Consumes all of `data`. After an error the connection is dead: every later
  // call fails the same way; flush take_output() if desired, then close.
  Status feed(ByteSpan data);

  Bytes take_output();
  std::optional<ConnectionEvent> poll_event();

  // Answer the pending publish: StreamBegin + onStatus NetStream.Publish.Start.
  Status accept_publish();
  // onStatus level "error" (e.g. NetStream.Publish.BadName); the connection then
  // ignores further input and the owner should close it after flushing output.
  Status reject_publish(std::string_view code, std::string_view description);
  // Any onStatus on the publish stream, e.g. before the owner kicks the session.
  void send_status(std::string_view level, std::string_view code, std::string_view description);

  bool handshake_done() const { return handshake_.done(); }
  // Whether the client used the Flash-style digest handshake (ffmpeg does).
  bool handshake_digest_used() const { return handshake_.digest_used(); }
  bool publishing() const { return state_ == State::Publishing; }
  // Rejected or failed: nothing more will be read.
  bool closed() const { return state_ == State::Rejected || state_ == State::Failed; }
  uint64_t bytes_received() const { return bytes_received_; }

 private:
  enum class State {
    AwaitConnect,
    Connected,
    PublishPending,
    Publishing,
    Unpublished,
    Rejected,
    Failed,
  };

  Status feed_chunks(ByteSpan data);
  Status handle(Message&& message);
  Status handle_user_control(const Message& message);
  Status handle_command(const Message& message);
  Status handle_connect(const Command& command);
  Status handle_publish(const Message& message, const Command& command);
  Status handle_data(const Message& message);
  Status handle_media(Message&& message);
  void end_publish();
  void emit(ConnectionEvent&& event);
  void send(const Message& message);
  void maybe_acknowledge();

  ServerConnectionOptions options_;
  ServerHandshake handshake_;
  ChunkReader reader_;
  ChunkWriter writer_;
  State state_ = State::AwaitConnect;
  ByteWriter output_;
  std::deque<ConnectionEvent> events_;
  std::deque<ConnectionEvent> held_;  // media/metadata awaiting accept_publish()
  size_t held_bytes_ = 0;
  std::string app_;
  std::string tc_url_;
  std::string stream_name_;
  uint32_t publish_stream_id_ = kStreamId;
  uint64_t bytes_received_ = 0;
  uint64_t last_ack_ = 0;
  uint32_t peer_window_ = 0;  // 0 until the peer sends Window Acknowledgement Size
  std::optional<Error> error_;
};

}  // namespace antcdn::format::rtmp
