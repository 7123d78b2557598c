#pragma once

// AMF0 command messages (RTMP spec 7.1.1, 7.2): parsing what encoders send and
// building the replies a server gives (_result, _error, onStatus, onBWDone).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "format/amf0/decoder.h"
#include "format/amf0/value.h"
#include "format/rtmp/message.h"

namespace antcdn::format::rtmp {

struct Command {
  std::string name;
  double transaction_id = 0;
  amf0::Value object;             // command object; Null for most stream commands
  std::vector<amf0::Value> args;  // optional arguments after the command object
};

// Decodes the AMF0 values of a command (type 20/17) or data (type 18/15)
// message body. The AMF3 variants carry a leading format byte (0) and then AMF0.
Result<std::vector<amf0::Value>> decode_body(MessageType type, ByteSpan payload,
                                             const amf0::DecodeLimits& limits = {});

// Parses a command message: name, transaction id, then the command object and
// arguments when present (some encoders omit trailing nulls).
Result<Command> parse_command(MessageType type, ByteSpan payload,
                              const amf0::DecodeLimits& limits = {});

Message make_command(const MessageHeader& header, std::string_view name, double transaction_id,
                     const amf0::Value& object, std::span<const amf0::Value> args = {});

// _result / _error on the NetConnection (message stream 0, chunk stream 3).
Message make_result(double transaction_id, const amf0::Value& properties,
                    const amf0::Value& information);
Message make_error_reply(double transaction_id, const amf0::Value& properties,
                         const amf0::Value& information);

// The information object of onStatus and of connect's _result.
amf0::Value status_info(std::string_view level, std::string_view code,
                        std::string_view description);

// onStatus(0, null, {level, code, description}) on `stream_id`, chunk stream 5.
Message make_on_status(uint32_t stream_id, std::string_view level, std::string_view code,
                       std::string_view description);

// onBWDone(0, null): Flash-era encoders wait for it after connect.
Message make_on_bw_done();

}  // namespace antcdn::format::rtmp
