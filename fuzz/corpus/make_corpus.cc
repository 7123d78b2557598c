// Writes the small seed corpora of the RTMP/AMF0 fuzz targets. Not part of the
// build (fuzz/*.cc is globbed, this directory is not); regenerate with
//   clang++ -std=c++20 -Isrc fuzz/corpus/make_corpus.cc src/format/amf0/*.cc \
//     src/format/rtmp/*.cc -lcrypto -o /tmp/make_corpus && /tmp/make_corpus fuzz/corpus

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "format/amf0/encoder.h"
#include "format/rtmp/chunk_writer.h"
#include "format/rtmp/command.h"
#include "format/rtmp/control.h"

using namespace antcdn;
using namespace antcdn::format;
using amf0::Value;
using rtmp::MessageHeader;
using rtmp::MessageType;

namespace {

std::filesystem::path g_root;

void write(const std::string& target, const std::string& name, const Bytes& data) {
  std::filesystem::create_directories(g_root / target);
  std::ofstream out(g_root / target / name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) {
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

Value connect_object() {
  return Value::object({{"app", Value::string("live")},
                        {"type", Value::string("nonprivate")},
                        {"flashVer", Value::string("FMLE/3.0")},
                        {"tcUrl", Value::string("rtmp://h/live")}});
}

Value metadata_object() {
  return Value::ecma_array({{"duration", Value::number(0)},
                            {"width", Value::number(1280)},
                            {"videocodecid", Value::number(7)},
                            {"encoder", Value::string("Lavf59")},
                            {"stereo", Value::boolean(true)}});
}

class Client {
 public:
  Bytes msg(const MessageHeader& h, const Bytes& payload) {
    ByteWriter w;
    (void)writer_.write(h, payload, w);
    return std::move(w).take();
  }
  Bytes cmd(uint32_t stream, const std::string& name, double tx, std::vector<Value> args = {},
            Value object = Value::null()) {
    MessageHeader h{.chunk_stream_id = stream == 0 ? 3u : 8u, .stream_id = stream};
    rtmp::Message m = rtmp::make_command(h, name, tx, object, args);
    return msg(m.header, m.payload);
  }
  Bytes media(MessageType type, uint32_t ts, const Bytes& payload) {
    return msg({.chunk_stream_id = type == MessageType::Audio ? 4u : 6u,
                .type = type,
                .stream_id = 1,
                .timestamp = ts},
               payload);
  }
  Bytes set_chunk_size(uint32_t size) {
    rtmp::Message m = rtmp::make_set_chunk_size(size);
    Bytes b = msg(m.header, m.payload);
    (void)writer_.set_chunk_size(size);
    return b;
  }

 private:
  rtmp::ChunkWriter writer_;
};

Bytes publish_session(bool big_chunks) {
  Client c;
  Bytes meta = amf0::encode_all(
      {Value::string("@setDataFrame"), Value::string("onMetaData"), metadata_object()});
  Bytes frame(300, std::byte{0x27});
  frame[0] = std::byte{0x17};
  rtmp::Message ack = rtmp::make_window_ack_size(5000);
  rtmp::Message ping = rtmp::make_ping_request(7);
  return cat({big_chunks ? c.set_chunk_size(4096) : Bytes(), c.msg(ack.header, ack.payload),
              c.cmd(0, "connect", 1, {}, connect_object()),
              c.cmd(0, "releaseStream", 2, {Value::string("k")}),
              c.cmd(0, "FCPublish", 3, {Value::string("k")}), c.cmd(0, "createStream", 4),
              c.cmd(1, "publish", 5, {Value::string("k?a=b"), Value::string("live")}),
              c.msg({.chunk_stream_id = 4, .type = MessageType::DataAmf0, .stream_id = 1}, meta),
              c.media(MessageType::Video, 0, frame),
              c.media(MessageType::Audio, 0, Bytes{std::byte{0xaf}, std::byte{0}}),
              c.media(MessageType::Audio, 23, Bytes{std::byte{0xaf}, std::byte{1}}),
              c.msg(ping.header, ping.payload), c.cmd(0, "FCUnpublish", 6, {Value::string("k")}),
              c.cmd(1, "deleteStream", 7, {Value::number(1)})});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  g_root = argv[1];

  write("fuzz_amf0", "connect",
        amf0::encode_all({Value::string("connect"), Value::number(1), connect_object()}));
  write("fuzz_amf0", "metadata",
        amf0::encode_all(
            {Value::string("@setDataFrame"), Value::string("onMetaData"), metadata_object()}));
  write("fuzz_amf0", "all_types",
        amf0::encode_all(
            {Value::strict_array({Value::number(1), Value::undefined(), Value::date(1.7e12, 0)}),
             Value::long_string("ls"), Value::object({{"o", Value::object()}})}));

  Bytes c0c1c2(1 + 3 * 1536, std::byte{0x5a});
  c0c1c2[0] = std::byte{3};
  for (uint8_t mode : {0x00, 0x80, 0xc0, 0x05}) {
    Bytes seed = cat({Bytes{std::byte{mode}}, c0c1c2});
    write("fuzz_rtmp_handshake", "mode_" + std::to_string(mode), seed);
  }

  Client chunks;
  Bytes big(700, std::byte{0x42});
  write("fuzz_rtmp_chunk", "interleaved",
        cat({Bytes{std::byte{0}}, chunks.media(MessageType::Video, 0xfffff0, big),
             chunks.media(MessageType::Audio, 0x1000000, Bytes(3, std::byte{1})),
             chunks.set_chunk_size(300), chunks.media(MessageType::Video, 5, big),
             chunks.msg({.chunk_stream_id = 400, .type = MessageType::DataAmf0}, big)}));
  write("fuzz_rtmp_chunk", "session_split_7", cat({Bytes{std::byte{7}}, publish_session(false)}));

  write("fuzz_rtmp_server", "publish_accept",
        cat({Bytes{std::byte{0}, std::byte{0}}, publish_session(false)}));
  write("fuzz_rtmp_server", "publish_reject_chunk4096",
        cat({Bytes{std::byte{5}, std::byte{1}}, publish_session(true)}));
  return 0;
}
