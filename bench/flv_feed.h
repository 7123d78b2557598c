#pragma once

// What the offline benchmarks share: the process's CPU time, and feeding a
// whole FLV file's tags through FlvDemuxer (a buffer per tag, as ingest's
// chunk reader hands over one per message).

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

#include <sys/resource.h>

#include "common/result.h"
#include "ingest/rtmp/flv_demuxer.h"
#include "support/format/flv_reader.h"

namespace antcdn::bench {

inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Reads `path` and feeds its audio and video tags to `demuxer`; the last
// tag's time in ms.
inline Result<int64_t> feed_flv_file(const std::string& path, ingest::rtmp::FlvDemuxer& demuxer) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto file = format::flv::read_flv_file(as_bytes(bytes));
  if (!file.ok()) {
    return file.error();
  }
  int64_t last_ms = 0;
  for (const auto& tag : file->tags) {
    if (tag.type == format::flv::TagType::ScriptData) {
      continue;
    }
    auto kind =
        tag.type == format::flv::TagType::Video ? media::MediaKind::Video : media::MediaKind::Audio;
    Bytes body(tag.body.begin(), tag.body.end());
    if (Status s = demuxer.on_media(kind, tag.timestamp_ms, std::move(body), 0); !s.ok()) {
      return s.error();
    }
    last_ms = std::max<int64_t>(last_ms, tag.timestamp_ms);
  }
  return last_ms;
}

}  // namespace antcdn::bench
