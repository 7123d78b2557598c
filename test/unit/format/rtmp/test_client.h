#pragma once

// A scripted RTMP client for tests: builds handshake packets and chunked
// messages with the ChunkWriter, and reads back what a server sent.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "format/amf0/encoder.h"
#include "format/amf0/value.h"
#include "format/rtmp/chunk_reader.h"
#include "format/rtmp/chunk_writer.h"
#include "format/rtmp/command.h"
#include "format/rtmp/control.h"

namespace antcdn::format::rtmp::test {

inline Bytes plain_c0c1() {
  Bytes b(1 + 1536);
  b[0] = std::byte{3};
  for (size_t i = 9; i < b.size(); ++i) {
    b[i] = static_cast<std::byte>(i * 7 + 1);
  }
  return b;
}

inline Bytes plain_c2() {
  return Bytes(1536, std::byte{0x42});
}

class TestClient {
 public:
  Bytes message(const MessageHeader& header, ByteSpan payload) const {
    ByteWriter w;
    EXPECT_TRUE(writer_.write(header, payload, w).ok());
    return std::move(w).take();
  }
  Bytes message(const Message& m) const { return message(m.header, m.payload); }

  Bytes command(uint32_t stream_id, std::string_view name, double tx,
                const amf0::Value& object = amf0::Value::null(),
                std::vector<amf0::Value> args = {}) const {
    MessageHeader h{.chunk_stream_id = stream_id == 0 ? 3u : 8u, .stream_id = stream_id};
    return message(make_command(h, name, tx, object, args));
  }

  Bytes connect(std::string_view app = "live", double tx = 1) const {
    return command(0, "connect", tx,
                   amf0::Value::object({
                       {"app", amf0::Value::string(std::string(app))},
                       {"type", amf0::Value::string("nonprivate")},
                       {"flashVer", amf0::Value::string("FMLE/3.0 (compatible; FMSc/1.0)")},
                       {"tcUrl", amf0::Value::string("rtmp://127.0.0.1/" + std::string(app))},
                   }));
  }

  Bytes publish(std::string_view name, double tx = 5) const {
    return command(1, "publish", tx, amf0::Value::null(),
                   {amf0::Value::string(std::string(name)), amf0::Value::string("live")});
  }

  Bytes media(MessageType type, uint32_t timestamp, ByteSpan payload) const {
    MessageHeader h{.chunk_stream_id = type == MessageType::Audio ? 4u : 6u,
                    .type = type,
                    .stream_id = 1,
                    .timestamp = timestamp};
    return message(h, payload);
  }

  Bytes metadata() const {
    amf0::Value obj = amf0::Value::ecma_array({
        {"width", amf0::Value::number(1280)},
        {"height", amf0::Value::number(720)},
        {"encoder", amf0::Value::string("Lavf59")},
    });
    Bytes body =
        amf0_body({amf0::Value::string("@setDataFrame"), amf0::Value::string("onMetaData"), obj});
    return message({.chunk_stream_id = 4, .type = MessageType::DataAmf0, .stream_id = 1}, body);
  }

  // Announces and switches to a new outgoing chunk size.
  Bytes set_chunk_size(uint32_t size) {
    Bytes b = message(make_set_chunk_size(size));
    EXPECT_TRUE(writer_.set_chunk_size(size).ok());
    return b;
  }

  static Bytes amf0_body(std::vector<amf0::Value> values);

 private:
  ChunkWriter writer_;
};

inline Bytes TestClient::amf0_body(std::vector<amf0::Value> values) {
  ByteWriter w;
  amf0::encode_all(values, w);
  return std::move(w).take();
}

// Reads what the server wrote: skips S0S1S2 once, then reassembles messages.
class ServerOutputReader {
 public:
  std::vector<Message> read(ByteSpan data) {
    if (!handshake_skipped_) {
      EXPECT_GE(data.size(), 3073u);
      data = data.subspan(std::min<size_t>(3073, data.size()));
      handshake_skipped_ = true;
    }
    std::vector<Message> out;
    while (!data.empty()) {
      Result<Consumed> r = reader_.feed(data);
      EXPECT_TRUE(r.ok()) << r.error().describe();
      if (!r.ok()) {
        break;
      }
      data = data.subspan(r->bytes);
      if (r->ready) {
        out.push_back(reader_.take_message());
      }
    }
    return out;
  }

 private:
  bool handshake_skipped_ = false;
  ChunkReader reader_;
};

// The command name of a command message, or "" for other messages.
inline std::string command_name(const Message& m) {
  if (m.header.type != MessageType::CommandAmf0) {
    return "";
  }
  Result<Command> c = parse_command(m.header.type, m.payload);
  return c.ok() ? c->name : "";
}

}  // namespace antcdn::format::rtmp::test
