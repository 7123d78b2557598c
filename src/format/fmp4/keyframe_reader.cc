#include "format/fmp4/keyframe_reader.h"

#include <optional>
#include <string>
#include <vector>

#include "format/fmp4/box_walker.h"
#include "format/fmp4/fragment_flags.h"

namespace antcdn::format::fmp4 {
namespace {

// A 2 s segment holds a few hundred samples; a count beyond this is garbage
// (and, without per-sample fields, would cost a loop of billions).
constexpr uint32_t kMaxSamplesPerRun = 100000;

Error invalid(const std::string& what) {
  return make_error(Code::InvalidArgument, "fmp4: " + what);
}

// FullBox header: version in the top byte, flags below.
struct FullBoxHeader {
  uint8_t version = 0;
  uint32_t flags = 0;
};
FullBoxHeader read_full_box_header(ByteReader& r) {
  uint32_t v = r.u32be();
  return {static_cast<uint8_t>(v >> 24), v & 0xffffff};
}

// tkhd and mdhd both put a field after creation and modification times whose
// width depends on the version.
uint32_t u32_after_times(ByteSpan payload) {
  ByteReader r(payload);
  FullBoxHeader h = read_full_box_header(r);
  r.skip(h.version == 1 ? 16 : 8);
  return r.u32be();
}

bool is_video_trak(const Box& trak) {
  const Box* hdlr = trak.find("mdia/hdlr");
  return hdlr != nullptr && hdlr->payload.size() >= 12 &&
         as_chars(hdlr->payload.subspan(8, 4)) == "vide";
}

void read_trex(const std::vector<Box>& boxes, VideoInit& out) {
  const Box* mvex = find_box(boxes, "moov/mvex");
  if (mvex == nullptr) {
    return;
  }
  for (const Box& trex : mvex->children) {
    ByteReader r(trex.payload);
    r.skip(4);
    if (trex.type != "trex" || r.u32be() != out.track_id) {
      continue;
    }
    r.skip(8);  // sample description index, duration
    uint32_t size = r.u32be();
    uint32_t flags = r.u32be();
    if (r.ok()) {
      out.default_sample_size = size;
      out.default_sample_flags = flags;
    }
    return;
  }
}

struct TrackFragment {
  uint32_t track_id = 0;
  uint64_t base_offset = 0;
  uint32_t default_size = 0;
  uint32_t default_flags = 0;
};

Result<TrackFragment> read_tfhd(const Box& tfhd, uint64_t moof_offset, const VideoInit& init) {
  ByteReader r(tfhd.payload);
  FullBoxHeader h = read_full_box_header(r);
  TrackFragment t{r.u32be(), moof_offset, init.default_sample_size, init.default_sample_flags};
  if (h.flags & kBaseDataOffsetPresent) {
    t.base_offset = r.u64be();
  }
  r.skip(h.flags & kSampleDescriptionIndexPresent ? 4 : 0);
  r.skip(h.flags & kDefaultDurationPresent ? 4 : 0);
  if (h.flags & kDefaultSizePresent) {
    t.default_size = r.u32be();
  }
  if (h.flags & kDefaultFlagsPresent) {
    t.default_flags = r.u32be();
  }
  if (!r.ok()) {
    return invalid("truncated tfhd");
  }
  return t;
}

// Where a sample's bytes are, from the start of the segment.
struct SampleRange {
  uint64_t offset = 0;
  uint32_t size = 0;
};

// Walks one trun from `offset` (where its data starts when it states no
// data_offset). Returns the first sync sample's range, or advances `offset`
// past the run's data and returns nothing.
Result<std::optional<SampleRange>> scan_trun(const Box& trun, const TrackFragment& t,
                                             uint64_t& offset) {
  ByteReader r(trun.payload);
  FullBoxHeader h = read_full_box_header(r);
  uint32_t count = r.u32be();
  if (h.flags & kDataOffsetPresent) {
    auto data_offset = static_cast<int32_t>(r.u32be());
    if (data_offset < 0 && static_cast<uint64_t>(-int64_t{data_offset}) > t.base_offset) {
      return invalid("trun data offset before the segment");
    }
    offset = t.base_offset + static_cast<uint64_t>(int64_t{data_offset});
  }
  std::optional<uint32_t> first_flags;
  if (h.flags & kFirstSampleFlagsPresent) {
    first_flags = r.u32be();
  }
  if (!r.ok() || count > kMaxSamplesPerRun) {
    return invalid("bad trun header");
  }
  for (uint32_t i = 0; i < count; ++i) {
    r.skip(h.flags & kSampleDurationPresent ? 4 : 0);
    uint32_t size = h.flags & kSampleSizePresent ? r.u32be() : t.default_size;
    uint32_t flags = h.flags & kSampleFlagsPresent ? r.u32be() : t.default_flags;
    r.skip(h.flags & kSampleCtoPresent ? 4 : 0);
    if (i == 0 && first_flags) {
      flags = *first_flags;
    }
    if (!r.ok()) {
      return invalid("truncated trun");
    }
    if (!(flags & kNonSyncSample) && size > 0) {
      return std::optional(SampleRange{offset, size});
    }
    offset += size;
  }
  return std::optional<SampleRange>();
}

}  // namespace

Result<VideoInit> read_video_init(ByteSpan init) {
  auto boxes = walk_boxes(init);
  if (!boxes.ok()) {
    return boxes.error();
  }
  const Box* moov = find_box(*boxes, "moov");
  if (moov == nullptr) {
    return invalid("init segment without moov");
  }
  for (const Box& trak : moov->children) {
    if (trak.type != "trak" || !is_video_trak(trak)) {
      continue;
    }
    const Box* stsd = trak.find("mdia/minf/stbl/stsd");
    const Box* tkhd = trak.find("tkhd");
    const Box* mdhd = trak.find("mdia/mdhd");
    if (stsd == nullptr || tkhd == nullptr || mdhd == nullptr || stsd->children.empty()) {
      return invalid("video track without stsd, tkhd or mdhd");
    }
    const Box& entry = stsd->children.front();
    const Box* avcc = entry.find("avcC");
    if ((entry.type != "avc1" && entry.type != "avc3") || avcc == nullptr) {
      return make_error(Code::Unsupported,
                        "fmp4: video sample entry '" + entry.type + "' is not H.264 with an avcC");
    }
    VideoInit out;
    out.track_id = u32_after_times(tkhd->payload);
    out.timescale = u32_after_times(mdhd->payload);
    out.sample_entry = entry.type;
    out.avcc = avcc->payload;
    ByteReader dims(entry.payload);
    dims.skip(24);  // reserved, data_reference_index, pre_defined, reserved
    out.width = dims.u16be();
    out.height = dims.u16be();
    if (out.track_id == 0 || out.timescale == 0 || out.avcc.empty()) {
      return invalid("video track without id, timescale or avcC");
    }
    read_trex(*boxes, out);
    return out;
  }
  return make_error(Code::Unsupported, "fmp4: init segment has no video track");
}

Result<ByteSpan> first_sync_sample(ByteSpan segment, const VideoInit& init) {
  auto boxes = walk_boxes(segment);
  if (!boxes.ok()) {
    return boxes.error();
  }
  for (const Box& moof : *boxes) {
    if (moof.type != "moof") {
      continue;
    }
    for (const Box& traf : moof.children) {
      const Box* tfhd = traf.type == "traf" ? traf.find("tfhd") : nullptr;
      if (tfhd == nullptr) {
        continue;
      }
      auto t = read_tfhd(*tfhd, moof.offset, init);
      if (!t.ok()) {
        return t.error();
      }
      if (t->track_id != init.track_id) {
        continue;
      }
      uint64_t offset = t->base_offset;
      for (const Box& trun : traf.children) {
        if (trun.type != "trun") {
          continue;
        }
        auto found = scan_trun(trun, *t, offset);
        if (!found.ok()) {
          return found.error();
        }
        if (*found) {
          const SampleRange& r = **found;
          if (r.offset > segment.size() || r.size > segment.size() - r.offset) {
            return invalid("sample data outside the segment");
          }
          return segment.subspan(static_cast<size_t>(r.offset), r.size);
        }
      }
    }
  }
  return make_error(Code::NotFound, "fmp4: segment has no sync sample of the video track");
}

}  // namespace antcdn::format::fmp4
