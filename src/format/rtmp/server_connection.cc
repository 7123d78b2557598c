#include "format/rtmp/server_connection.h"

#include <string>
#include <utility>
#include <vector>

#include "format/rtmp/control.h"

namespace antcdn::format::rtmp {

namespace {

using amf0::Value;

Error protocol_error(std::string message) {
  return make_error(Code::InvalidArgument, "rtmp: " + std::move(message));
}

// Splits "key?token=x" into the key and the query after '?'.
std::pair<std::string, std::string> split_query(std::string_view name) {
  size_t q = name.find('?');
  if (q == std::string_view::npos) {
    return {std::string(name), {}};
  }
  return {std::string(name.substr(0, q)), std::string(name.substr(q + 1))};
}

// A peer-chosen name for an error message (which ends up in logs): bounded
// and printable.
std::string printable(std::string_view s) {
  std::string out(s.substr(0, 64));
  for (char& ch : out) {
    if (ch < 0x20 || ch > 0x7e) {
      ch = '?';
    }
  }
  return out;
}

}  // namespace

ServerConnection::ServerConnection(ServerConnectionOptions options)
    : options_(std::move(options)),
      handshake_(options_.handshake),
      reader_(options_.pre_publish_chunk_limits) {}

Status ServerConnection::feed(ByteSpan data) {
  if (error_) {
    return *error_;
  }
  bytes_received_ += data.size();
  if (state_ == State::Rejected) {
    return {};
  }
  if (!handshake_.done()) {
    Result<Consumed> r = handshake_.feed(data);
    if (!r.ok()) {
      state_ = State::Failed;
      error_ = r.error();
      return *error_;
    }
    Bytes reply = handshake_.take_output();
    output_.bytes(reply);
    data = data.subspan(r->bytes);
  }
  if (Status s = feed_chunks(data); !s.ok()) {
    state_ = State::Failed;
    error_ = s.error();
    return s;
  }
  maybe_acknowledge();
  return {};
}

Status ServerConnection::feed_chunks(ByteSpan data) {
  while (!data.empty() && state_ != State::Rejected) {
    Result<Consumed> r = reader_.feed(data);
    if (!r.ok()) {
      return r.error();
    }
    data = data.subspan(r->bytes);
    if (!r->ready) {
      break;
    }
    if (Status s = handle(reader_.take_message()); !s.ok()) {
      return s;
    }
  }
  return {};
}

Bytes ServerConnection::take_output() {
  Bytes out = std::move(output_).take();
  output_ = ByteWriter();
  return out;
}

std::optional<ConnectionEvent> ServerConnection::poll_event() {
  if (events_.empty()) {
    return std::nullopt;
  }
  ConnectionEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

Status ServerConnection::accept_publish() {
  if (state_ != State::PublishPending) {
    return make_error(Code::Conflict, "rtmp: accept_publish without a pending publish");
  }
  send(make_stream_begin(publish_stream_id_));
  send(make_on_status(publish_stream_id_, "status", "NetStream.Publish.Start",
                      stream_name_ + " is now published."));
  state_ = State::Publishing;
  reader_.set_limits(options_.chunk_limits);
  while (!held_.empty()) {
    events_.push_back(std::move(held_.front()));
    held_.pop_front();
  }
  held_bytes_ = 0;
  return {};
}

Status ServerConnection::reject_publish(std::string_view code, std::string_view description) {
  if (state_ != State::PublishPending) {
    return make_error(Code::Conflict, "rtmp: reject_publish without a pending publish");
  }
  send(make_on_status(publish_stream_id_, "error", code, description));
  state_ = State::Rejected;
  held_.clear();
  held_bytes_ = 0;
  return {};
}

void ServerConnection::send_status(std::string_view level, std::string_view code,
                                   std::string_view description) {
  send(make_on_status(publish_stream_id_, level, code, description));
}

Status ServerConnection::handle(Message&& message) {
  switch (message.header.type) {
    case MessageType::WindowAckSize: {
      Result<uint32_t> size = parse_u32_control(message.payload);
      if (!size.ok()) {
        return size.error();
      }
      peer_window_ = *size;
      return {};
    }
    case MessageType::UserControl:
      return handle_user_control(message);
    case MessageType::Audio:
    case MessageType::Video:
      return handle_media(std::move(message));
    case MessageType::CommandAmf0:
    case MessageType::CommandAmf3:
    case MessageType::DataAmf0:
    case MessageType::DataAmf3:
      if (message.payload.size() > options_.max_command_size) {
        return make_error(Code::ResourceExhausted, "rtmp: command or data message of " +
                                                       std::to_string(message.payload.size()) +
                                                       " bytes exceeds the limit of " +
                                                       std::to_string(options_.max_command_size));
      }
      if (message.header.type == MessageType::DataAmf0 ||
          message.header.type == MessageType::DataAmf3) {
        return handle_data(message);
      }
      return handle_command(message);
    default:
      // Set Chunk Size and Abort were applied by the reader; acknowledgements,
      // peer bandwidth, shared objects and aggregates mean nothing to an ingest.
      return {};
  }
}

Status ServerConnection::handle_user_control(const Message& message) {
  Result<UserControl> event = parse_user_control(message.payload);
  if (!event.ok()) {
    return event.error();
  }
  if (event->event == UserControlEvent::PingRequest) {
    send(make_ping_response(event->value));
  }
  return {};
}

Status ServerConnection::handle_command(const Message& message) {
  Result<Command> parsed =
      parse_command(message.header.type, message.payload, options_.amf0_limits);
  if (!parsed.ok()) {
    return parsed.error();
  }
  const Command& c = *parsed;
  const double tx = c.transaction_id;
  if (c.name == "connect") {
    return handle_connect(c);
  }
  if (state_ == State::AwaitConnect) {
    return protocol_error("command \"" + printable(c.name) + "\" before connect");
  }
  if (c.name == "createStream") {
    send(make_result(tx, Value::null(), Value::number(kStreamId)));
  } else if (c.name == "publish") {
    return handle_publish(message, c);
  } else if (c.name == "FCUnpublish" || c.name == "deleteStream" || c.name == "closeStream") {
    if (tx != 0) {
      send(make_result(tx, Value::null(), Value::undefined()));
    }
    end_publish();
  } else if (c.name == "getStreamLength") {
    send(make_result(tx, Value::null(), Value::number(0)));
  } else if (c.name == "_result" || c.name == "_error" || c.name == "onStatus") {
    // Replies to something we sent (or unsolicited): never answer a reply.
  } else if (tx != 0) {
    // releaseStream, FCPublish, _checkbw and anything unknown: a neutral
    // _result lets encoders that wait for one carry on.
    send(make_result(tx, Value::null(), Value::undefined()));
  }
  return {};
}

Status ServerConnection::handle_connect(const Command& c) {
  if (state_ != State::AwaitConnect) {
    return protocol_error("second connect on one connection");
  }
  app_ = std::string(c.object.find_string("app").value_or(""));
  tc_url_ = std::string(c.object.find_string("tcUrl").value_or(""));
  send(make_window_ack_size(options_.window_ack_size));
  send(make_set_peer_bandwidth(options_.peer_bandwidth, PeerBandwidthLimit::Dynamic));
  send(make_set_chunk_size(options_.chunk_size));
  // The Set Chunk Size above went out at the old size; everything after uses the new one.
  if (Status s = writer_.set_chunk_size(options_.chunk_size); !s.ok()) {
    return s;
  }
  Value properties = Value::object({
      {"fmsVer", Value::string("FMS/3,5,7,7009")},
      {"capabilities", Value::number(31)},
      {"mode", Value::number(1)},
  });
  Value info = status_info("status", "NetConnection.Connect.Success", "Connection succeeded.");
  // We speak AMF0 only; answering 0 tells an AMF3-capable client to use AMF0.
  info.set("objectEncoding", Value::number(0));
  send(make_result(c.transaction_id, properties, info));
  if (options_.send_bw_done) {
    send(make_on_bw_done());
  }
  state_ = State::Connected;
  emit(Connected{app_, tc_url_, std::string(c.object.find_string("flashVer").value_or(""))});
  return {};
}

Status ServerConnection::handle_publish(const Message& message, const Command& c) {
  if (state_ != State::Connected) {
    return protocol_error("only one publish per connection");
  }
  std::string_view name = c.args.empty() ? std::string_view() : c.args[0].as_string();
  std::string type = c.args.size() > 1 && c.args[1].is_string() ? c.args[1].as_string() : "live";
  auto [key, query] = split_query(name);
  stream_name_ = key;
  publish_stream_id_ = message.header.stream_id != 0 ? message.header.stream_id : kStreamId;
  state_ = State::PublishPending;
  emit(PublishRequested{app_, std::move(key), std::move(query), tc_url_, std::move(type)});
  return {};
}

Status ServerConnection::handle_data(const Message& message) {
  Result<std::vector<Value>> values =
      decode_body(message.header.type, message.payload, options_.amf0_limits);
  if (!values.ok()) {
    return values.error().with_context("rtmp data message");
  }
  const std::vector<Value>& v = *values;
  size_t i = !v.empty() && v[0].as_string() == "@setDataFrame" ? 1 : 0;
  if (v.size() < i + 2 || v[i].as_string() != "onMetaData" || !v[i + 1].is_object()) {
    return {};  // onTextData, onCuePoint, |RtmpSampleAccess...: not ours to use
  }
  if (state_ == State::AwaitConnect || state_ == State::Connected) {
    return protocol_error("metadata before publish");
  }
  if (state_ == State::Unpublished) {
    return {};
  }
  emit(Metadata{v[i + 1]});
  return {};
}

Status ServerConnection::handle_media(Message&& message) {
  if (state_ == State::AwaitConnect || state_ == State::Connected) {
    return protocol_error(
        std::string(message.header.type == MessageType::Audio ? "audio" : "video") +
        " message before publish");
  }
  if (state_ == State::Unpublished) {
    return {};  // a straggler after FCUnpublish; harmless
  }
  if (state_ == State::PublishPending) {
    held_bytes_ += message.payload.size();
    if (held_bytes_ > options_.max_held_media_bytes) {
      return make_error(Code::ResourceExhausted,
                        "rtmp: more than " + std::to_string(options_.max_held_media_bytes) +
                            " bytes of media sent before the publish was accepted");
    }
  }
  emit(Media{
      message.header.type == MessageType::Audio ? media::MediaKind::Audio : media::MediaKind::Video,
      message.header.timestamp, std::move(message.payload)});
  return {};
}

void ServerConnection::end_publish() {
  if (state_ != State::PublishPending && state_ != State::Publishing) {
    return;
  }
  held_.clear();
  held_bytes_ = 0;
  send(make_on_status(publish_stream_id_, "status", "NetStream.Unpublish.Success",
                      stream_name_ + " is now unpublished."));
  state_ = State::Unpublished;
  events_.emplace_back(Unpublished{true});
}

// Media and metadata wait in held_ while the owner decides on the publish.
void ServerConnection::emit(ConnectionEvent&& event) {
  bool hold = state_ == State::PublishPending &&
              (std::holds_alternative<Media>(event) || std::holds_alternative<Metadata>(event));
  (hold ? held_ : events_).push_back(std::move(event));
}

void ServerConnection::send(const Message& message) {
  // Our own messages are always within the writer's limits.
  (void)writer_.write(message, output_);
}

void ServerConnection::maybe_acknowledge() {
  if (peer_window_ == 0 || bytes_received_ - last_ack_ < peer_window_) {
    return;
  }
  last_ack_ = bytes_received_;
  // The sequence number is the byte count so far, wrapping at 32 bits.
  send(make_acknowledgement(static_cast<uint32_t>(bytes_received_)));
}

}  // namespace antcdn::format::rtmp
