#include "format/fmp4/media_segment.h"

#include <limits>
#include <string>
#include <string_view>

#include "format/fmp4/box_writer.h"
#include "format/fmp4/fragment_flags.h"

namespace antcdn::format::fmp4 {
namespace {

// Sample flags: sample_depends_on = 2 (depends on no other sample) for sync
// samples; depends_on = 1 plus sample_is_non_sync_sample for the rest.
constexpr uint32_t kSyncSampleFlags = 0x02000000;
constexpr uint32_t kNonSyncSampleFlags = 0x01010000;

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "fmp4 fragment: " + what);
}

Status check_samples(std::span<const Sample> samples) {
  if (samples.empty()) {
    return invalid("no samples");
  }
  if (samples.front().dts < 0) {
    return invalid("negative decode time");
  }
  uint64_t total = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    const Sample& s = samples[i];
    if (s.duration == 0) {
      return invalid("sample " + std::to_string(i) + " has zero duration");
    }
    if (i > 0 && s.dts < samples[i - 1].dts) {
      return invalid("sample " + std::to_string(i) + " goes back in decode time");
    }
    int64_t cto = s.pts - s.dts;
    if (cto < std::numeric_limits<int32_t>::min() || cto > std::numeric_limits<int32_t>::max()) {
      return invalid("sample " + std::to_string(i) + " composition offset out of range");
    }
    total += s.data.size();
  }
  if (total > UINT32_MAX - 16) {
    return invalid("mdat larger than 4 GiB");
  }
  return {};
}

constexpr size_t kStypBytes = 24;  // size, type, major brand, version, two brands

// An upper bound of what a fragment of these samples takes, so its buffer is
// allocated once: a segment is megabytes, and every regrowth would copy it.
size_t fragment_capacity(std::span<const Sample> samples) {
  constexpr size_t kFixedBoxes = 256;     // moof, mfhd, traf, tfhd, tfdt, trun and mdat headers
  constexpr size_t kPerSampleEntry = 16;  // duration, size, flags, composition offset
  size_t payload = 0;
  for (const Sample& s : samples) {
    payload += s.data.size();
  }
  return kFixedBoxes + kPerSampleEntry * samples.size() + payload;
}

void append_styp(BoxWriter& b) {
  b.begin("styp");
  b.fourcc("msdh");
  b.out().u32be(0);
  for (std::string_view brand : {"msdh", "cmfs"}) {
    b.fourcc(brand);
  }
  b.end();
}

// Appends one moof + mdat; `samples` have passed check_samples.
void append_fragment(BoxWriter& b, uint32_t track_id, uint32_t sequence_number,
                     std::span<const Sample> samples) {
  bool any_cto = false;
  for (const Sample& s : samples) {
    any_cto = any_cto || s.pts != s.dts;
  }

  const size_t moof_start = b.size();
  b.begin("moof");
  b.begin_full("mfhd", 0, 0);
  b.out().u32be(sequence_number);
  b.end();
  b.begin("traf");
  b.begin_full("tfhd", 0, kDefaultBaseIsMoof);
  b.out().u32be(track_id);
  b.end();
  b.begin_full("tfdt", 1, 0);
  b.out().u64be(static_cast<uint64_t>(samples.front().dts));
  b.end();
  uint32_t flags = kDataOffsetPresent | kSampleDurationPresent | kSampleSizePresent |
                   kSampleFlagsPresent | (any_cto ? kSampleCtoPresent : 0);
  // Version 1: signed composition offsets, so B-frames need no edit list.
  b.begin_full("trun", 1, flags);
  b.out().u32be(static_cast<uint32_t>(samples.size()));
  size_t data_offset_at = b.size();
  b.out().u32be(0);  // data_offset, patched once the moof size is known
  for (const Sample& s : samples) {
    b.out().u32be(s.duration);
    b.out().u32be(static_cast<uint32_t>(s.data.size()));
    b.out().u32be(s.keyframe ? kSyncSampleFlags : kNonSyncSampleFlags);
    if (any_cto) {
      b.out().u32be(static_cast<uint32_t>(static_cast<int32_t>(s.pts - s.dts)));
    }
  }
  b.end();  // trun
  b.end();  // traf
  b.end();  // moof
  // default-base-is-moof: offsets count from the first byte of this moof,
  // and the first sample starts right after the 8-byte mdat header.
  size_t moof_size = b.size() - moof_start;
  b.out().patch_u32be(data_offset_at, static_cast<uint32_t>(moof_size + 8));
  b.begin("mdat");
  for (const Sample& s : samples) {
    b.out().bytes(s.data);  // the one copy of the media into the segment
  }
  b.end();
}

// styp (if asked) and the fragment go straight into one buffer of the right
// size: the segment is built once, never regrown or concatenated.
Result<Bytes> write_pieces(bool with_styp, uint32_t track_id, uint32_t sequence_number,
                           std::span<const Sample> samples) {
  if (Status s = check_samples(samples); !s.ok()) {
    return s.error();
  }
  BoxWriter b;
  b.out().reserve((with_styp ? kStypBytes : 0) + fragment_capacity(samples));
  if (with_styp) {
    append_styp(b);
  }
  append_fragment(b, track_id, sequence_number, samples);
  return std::move(b).take();
}

}  // namespace

Bytes write_styp() {
  BoxWriter b;
  append_styp(b);
  return std::move(b).take();
}

Result<Bytes> write_fragment(uint32_t track_id, uint32_t sequence_number,
                             std::span<const Sample> samples) {
  return write_pieces(false, track_id, sequence_number, samples);
}

Result<Bytes> write_media_segment(uint32_t track_id, uint32_t sequence_number,
                                  std::span<const Sample> samples) {
  return write_pieces(true, track_id, sequence_number, samples);
}

Result<std::vector<Sample>> samples_from_access_units(std::span<const media::AccessUnit> units,
                                                      uint32_t last_duration) {
  std::vector<Sample> samples;
  samples.reserve(units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    const media::AccessUnit& u = units[i];
    int64_t duration = i + 1 < units.size() ? units[i + 1].dts - u.dts : last_duration;
    if (duration <= 0 || duration > UINT32_MAX) {
      return invalid("access unit " + std::to_string(i) + " has duration " +
                     std::to_string(duration));
    }
    samples.push_back(Sample{u.dts, u.pts, static_cast<uint32_t>(duration), u.keyframe, u.data});
  }
  return samples;
}

}  // namespace antcdn::format::fmp4
