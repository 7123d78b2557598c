#include "format/rtmp/control.h"

#include <string>
#include <utility>

namespace antcdn::format::rtmp {

namespace {

Message control(MessageType type, ByteWriter&& body) {
  return Message{{.chunk_stream_id = kControlChunkStream, .type = type}, std::move(body).take()};
}

Message u32_control(MessageType type, uint32_t value) {
  ByteWriter w;
  w.u32be(value);
  return control(type, std::move(w));
}

}  // namespace

Message make_set_chunk_size(uint32_t size) {
  return u32_control(MessageType::SetChunkSize, size & 0x7fffffff);
}

Message make_abort(uint32_t chunk_stream_id) {
  return u32_control(MessageType::Abort, chunk_stream_id);
}

Message make_acknowledgement(uint32_t sequence_number) {
  return u32_control(MessageType::Acknowledgement, sequence_number);
}

Message make_window_ack_size(uint32_t size) {
  return u32_control(MessageType::WindowAckSize, size);
}

Message make_set_peer_bandwidth(uint32_t size, PeerBandwidthLimit limit) {
  ByteWriter w;
  w.u32be(size);
  w.u8(static_cast<uint8_t>(limit));
  return control(MessageType::SetPeerBandwidth, std::move(w));
}

Message make_user_control(UserControlEvent event, uint32_t value) {
  ByteWriter w;
  w.u16be(static_cast<uint16_t>(event));
  w.u32be(value);
  return control(MessageType::UserControl, std::move(w));
}

Message make_stream_begin(uint32_t stream_id) {
  return make_user_control(UserControlEvent::StreamBegin, stream_id);
}

Message make_ping_request(uint32_t timestamp) {
  return make_user_control(UserControlEvent::PingRequest, timestamp);
}

Message make_ping_response(uint32_t timestamp) {
  return make_user_control(UserControlEvent::PingResponse, timestamp);
}

Result<uint32_t> parse_u32_control(ByteSpan payload) {
  ByteReader r(payload);
  uint32_t value = r.u32be();
  if (!r.ok()) {
    return make_error(Code::InvalidArgument, "rtmp control: message shorter than 4 bytes");
  }
  return value;
}

Result<UserControl> parse_user_control(ByteSpan payload) {
  ByteReader r(payload);
  UserControl out;
  out.event = static_cast<UserControlEvent>(r.u16be());
  out.value = r.u32be();
  if (out.event == UserControlEvent::SetBufferLength) {
    out.buffer_length = r.u32be();
  }
  if (!r.ok()) {
    return make_error(Code::InvalidArgument, "rtmp control: truncated user control event " +
                                                 std::to_string(static_cast<int>(out.event)));
  }
  return out;
}

}  // namespace antcdn::format::rtmp
