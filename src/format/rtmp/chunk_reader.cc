#include "format/rtmp/chunk_reader.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace antcdn::format::rtmp {

namespace {

constexpr uint32_t kTimestampEscape = 0xffffff;
constexpr std::array<size_t, 4> kMessageHeaderSize = {11, 7, 3, 0};
// Reserve at most this much up front: the length is the peer's claim, the
// bytes may never come.
constexpr uint32_t kMaxReserve = 1024 * 1024;

std::string csid_text(uint32_t id) {
  return "chunk stream " + std::to_string(id);
}

}  // namespace

ChunkReader::ChunkReader(ChunkReaderLimits limits) : limits_(limits) {}

Result<Consumed> ChunkReader::feed(ByteSpan data) {
  if (error_) {
    return *error_;
  }
  Consumed consumed;
  if (ready_) {
    consumed.ready = true;
    return consumed;
  }
  size_t pos = 0;
  while (pos < data.size()) {
    if (chunk_remaining_ == 0) {
      // Header phase: gather bytes until the whole header (whose size depends
      // on what it says) is present, then parse it in one go.
      size_t needed = header_size_needed();
      while (header_length_ < needed && pos < data.size()) {
        size_t n = std::min(needed - header_length_, data.size() - pos);
        std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(pos), n,
                    header_.begin() + static_cast<std::ptrdiff_t>(header_length_));
        header_length_ += n;
        pos += n;
        needed = header_size_needed();
      }
      if (header_length_ < needed) {
        break;
      }
      offset_ += header_length_;
      if (Status s = start_chunk(); !s.ok()) {
        return fail(s.error());
      }
      header_length_ = 0;
    } else {
      ChunkStream& stream = streams_[current_];
      size_t n = std::min<size_t>(chunk_remaining_, data.size() - pos);
      if (buffered_ + n > limits_.max_buffered_bytes) {
        return fail(
            make_error(Code::ResourceExhausted, "rtmp chunk: more than " +
                                                    std::to_string(limits_.max_buffered_bytes) +
                                                    " bytes buffered in partial messages"));
      }
      ByteSpan piece = data.subspan(pos, n);
      stream.payload.insert(stream.payload.end(), piece.begin(), piece.end());
      buffered_ += n;
      chunk_remaining_ -= static_cast<uint32_t>(n);
      pos += n;
      offset_ += n;
    }
    if (chunk_remaining_ == 0 && streams_[current_].in_progress &&
        streams_[current_].payload.size() == streams_[current_].length) {
      if (Status s = finish_message(streams_[current_]); !s.ok()) {
        return fail(s.error());
      }
    }
    if (ready_) {
      consumed.ready = true;
      break;
    }
  }
  consumed.bytes = pos;
  return consumed;
}

Message ChunkReader::take_message() {
  Message out = std::move(ready_).value_or(Message{});
  ready_.reset();
  return out;
}

// Size of the header that starts with header_[0, header_length_), as far as
// those bytes determine it; grows as more bytes are known.
size_t ChunkReader::header_size_needed() const {
  if (header_length_ == 0) {
    return 1;
  }
  auto b0 = static_cast<uint8_t>(header_[0]);
  int fmt = b0 >> 6;
  uint32_t low = b0 & 0x3f;
  size_t basic = low == 0 ? 2 : (low == 1 ? 3 : 1);
  size_t base = basic + kMessageHeaderSize[fmt];
  if (header_length_ < base) {
    return base;
  }
  bool extended = false;
  if (fmt < 3) {
    ByteReader r(ByteSpan(header_).subspan(basic, 3));
    extended = r.u24be() == kTimestampEscape;
  } else {
    uint32_t id = low >= 2 ? low
                           : 64 + static_cast<uint32_t>(header_[1]) +
                                 (low == 1 ? 256 * static_cast<uint32_t>(header_[2]) : 0);
    for (const ChunkStream& s : streams_) {
      if (s.id == id) {
        extended = s.extended;
      }
    }
  }
  return base + (extended ? 4 : 0);
}

Status ChunkReader::start_chunk() {
  ByteReader r(ByteSpan(header_).first(header_length_));
  uint8_t b0 = r.u8();
  int fmt = b0 >> 6;
  uint32_t id = b0 & 0x3f;
  if (id == 0) {
    id = 64 + r.u8();
  } else if (id == 1) {
    id = 64 + r.u8();
    id += 256 * r.u8();
  }
  ChunkStream* stream = find_stream(id);
  if (stream == nullptr) {
    if (fmt != 0) {
      return make_error(Code::InvalidArgument, "rtmp chunk: " + csid_text(id) +
                                                   " starts with fmt " + std::to_string(fmt) +
                                                   ", expected fmt 0");
    }
    if (streams_.size() >= limits_.max_chunk_streams) {
      return make_error(
          Code::ResourceExhausted,
          "rtmp chunk: more than " + std::to_string(limits_.max_chunk_streams) + " chunk streams");
    }
    stream = &streams_.emplace_back();
    stream->id = id;
    stream->header.chunk_stream_id = id;
  }
  current_ = static_cast<size_t>(stream - streams_.data());
  if (fmt != 3 && stream->in_progress) {
    return make_error(Code::InvalidArgument, "rtmp chunk: " + csid_text(id) + ": fmt " +
                                                 std::to_string(fmt) +
                                                 " header while a message is incomplete");
  }
  if (Status s = apply_header(*stream, fmt, r); !s.ok()) {
    return s;
  }
  if (!stream->in_progress) {
    if (Status s = begin_message(*stream); !s.ok()) {
      return s;
    }
  }
  chunk_remaining_ = std::min<uint32_t>(
      chunk_size_, stream->length - static_cast<uint32_t>(stream->payload.size()));
  return {};
}

Status ChunkReader::apply_header(ChunkStream& stream, int fmt, ByteReader& r) {
  bool new_message = !stream.in_progress;
  if (fmt == 3) {
    if (stream.extended) {
      // The spec repeats the extended timestamp here; its value adds nothing.
      r.u32be();
    }
    if (new_message) {
      stream.header.timestamp += stream.timestamp_field;
    }
    return {};
  }
  uint32_t field = r.u24be();
  if (fmt <= 1) {
    stream.length = r.u24be();
    stream.header.type = static_cast<MessageType>(r.u8());
  }
  if (fmt == 0) {
    stream.header.stream_id = r.u32le();
  }
  stream.extended = field == kTimestampEscape;
  if (stream.extended) {
    field = r.u32be();
  }
  stream.timestamp_field = field;
  // Timestamps are 32-bit and wrap; unsigned arithmetic wraps the same way.
  stream.header.timestamp = fmt == 0 ? field : stream.header.timestamp + field;
  return {};
}

Status ChunkReader::begin_message(ChunkStream& stream) {
  if (stream.length > limits_.max_message_size) {
    return make_error(Code::ResourceExhausted, "rtmp chunk: " + csid_text(stream.id) +
                                                   ": message of " + std::to_string(stream.length) +
                                                   " bytes exceeds the limit of " +
                                                   std::to_string(limits_.max_message_size));
  }
  if (in_flight_ >= limits_.max_messages_in_flight) {
    return make_error(Code::ResourceExhausted, "rtmp chunk: more than " +
                                                   std::to_string(limits_.max_messages_in_flight) +
                                                   " interleaved partial messages");
  }
  stream.payload.clear();
  stream.payload.reserve(std::min(stream.length, kMaxReserve));
  stream.in_progress = true;
  ++in_flight_;
  return {};
}

Status ChunkReader::finish_message(ChunkStream& stream) {
  stream.in_progress = false;
  --in_flight_;
  buffered_ -= stream.payload.size();
  Message message{stream.header, std::exchange(stream.payload, Bytes())};
  if (Status s = apply_control(message); !s.ok()) {
    return s;
  }
  ready_ = std::move(message);
  return {};
}

Status ChunkReader::apply_control(const Message& message) {
  MessageType type = message.header.type;
  if (type != MessageType::SetChunkSize && type != MessageType::Abort) {
    return {};
  }
  ByteReader r(message.payload);
  uint32_t value = r.u32be();
  if (!r.ok()) {
    return make_error(Code::InvalidArgument,
                      std::string("rtmp chunk: truncated ") +
                          (type == MessageType::SetChunkSize ? "Set Chunk Size" : "Abort") +
                          " message");
  }
  if (type == MessageType::Abort) {
    ChunkStream* aborted = find_stream(value);
    if (aborted != nullptr && aborted->in_progress) {
      aborted->in_progress = false;
      --in_flight_;
      buffered_ -= aborted->payload.size();
      Bytes().swap(aborted->payload);
    }
    return {};
  }
  if (value == 0 || (value & 0x80000000u) != 0) {
    return make_error(Code::InvalidArgument,
                      "rtmp chunk: invalid Set Chunk Size " + std::to_string(value));
  }
  if (value > limits_.max_chunk_size) {
    return make_error(Code::ResourceExhausted,
                      "rtmp chunk: Set Chunk Size " + std::to_string(value) +
                          " exceeds the limit of " + std::to_string(limits_.max_chunk_size));
  }
  chunk_size_ = value;
  return {};
}

ChunkReader::ChunkStream* ChunkReader::find_stream(uint32_t id) {
  for (ChunkStream& s : streams_) {
    if (s.id == id) {
      return &s;
    }
  }
  return nullptr;
}

Error ChunkReader::fail(Error error) {
  error.message += " (at stream byte " + std::to_string(offset_) + ")";
  error_ = error;
  return error;
}

}  // namespace antcdn::format::rtmp
