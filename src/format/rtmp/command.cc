#include "format/rtmp/command.h"

#include <utility>

#include "format/amf0/encoder.h"

namespace antcdn::format::rtmp {

Result<std::vector<amf0::Value>> decode_body(MessageType type, ByteSpan payload,
                                             const amf0::DecodeLimits& limits) {
  if (type == MessageType::CommandAmf3 || type == MessageType::DataAmf3) {
    if (payload.empty() || payload[0] != std::byte{0}) {
      return make_error(Code::Unsupported, "rtmp command: AMF3-encoded message body");
    }
    payload = payload.subspan(1);
  }
  return amf0::decode_all(payload, limits);
}

Result<Command> parse_command(MessageType type, ByteSpan payload,
                              const amf0::DecodeLimits& limits) {
  Result<std::vector<amf0::Value>> values = decode_body(type, payload, limits);
  if (!values.ok()) {
    return values.error().with_context("rtmp command");
  }
  std::vector<amf0::Value>& v = *values;
  if (v.empty() || !v[0].is_string()) {
    return make_error(Code::InvalidArgument, "rtmp command: missing command name");
  }
  Command out;
  out.name = v[0].as_string();
  if (v.size() > 1) {
    out.transaction_id = v[1].as_number();
  }
  if (v.size() > 2) {
    out.object = std::move(v[2]);
  }
  for (size_t i = 3; i < v.size(); ++i) {
    out.args.push_back(std::move(v[i]));
  }
  return out;
}

Message make_command(const MessageHeader& header, std::string_view name, double transaction_id,
                     const amf0::Value& object, std::span<const amf0::Value> args) {
  ByteWriter w;
  amf0::encode(amf0::Value::string(std::string(name)), w);
  amf0::encode(amf0::Value::number(transaction_id), w);
  amf0::encode(object, w);
  amf0::encode_all(args, w);
  MessageHeader h = header;
  h.type = MessageType::CommandAmf0;
  return Message{h, std::move(w).take()};
}

Message make_result(double transaction_id, const amf0::Value& properties,
                    const amf0::Value& information) {
  return make_command({}, "_result", transaction_id, properties,
                      std::span<const amf0::Value>(&information, 1));
}

Message make_error_reply(double transaction_id, const amf0::Value& properties,
                         const amf0::Value& information) {
  return make_command({}, "_error", transaction_id, properties,
                      std::span<const amf0::Value>(&information, 1));
}

amf0::Value status_info(std::string_view level, std::string_view code,
                        std::string_view description) {
  return amf0::Value::object({
      {"level", amf0::Value::string(std::string(level))},
      {"code", amf0::Value::string(std::string(code))},
      {"description", amf0::Value::string(std::string(description))},
  });
}

Message make_on_status(uint32_t stream_id, std::string_view level, std::string_view code,
                       std::string_view description) {
  amf0::Value info = status_info(level, code, description);
  MessageHeader h{.chunk_stream_id = kStatusChunkStream, .stream_id = stream_id};
  return make_command(h, "onStatus", 0, amf0::Value::null(),
                      std::span<const amf0::Value>(&info, 1));
}

Message make_on_bw_done() {
  return make_command({}, "onBWDone", 0, amf0::Value::null());
}

}  // namespace antcdn::format::rtmp
