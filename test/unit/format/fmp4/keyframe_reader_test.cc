#include "format/fmp4/keyframe_reader.h"

#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "format/fmp4/box_writer.h"
#include "format/fmp4/init_segment.h"
#include "format/fmp4/media_segment.h"
#include "support/bytes_helpers.h"

namespace antcdn::format::fmp4 {
namespace {

using antcdn::test::hex;

// libx264 High profile 320x240 avcC.
const Bytes kAvcc = hex(
    "0164000dffe100196764000dacd94141fb0110000003001000000303c0f142996001000668ebe3cb22c0fdf8f800");

media::TrackInfo video_track(int id = 1) {
  return media::TrackInfo{.id = id,
                          .kind = media::MediaKind::Video,
                          .codec = media::Codec::H264,
                          .timescale = 90000,
                          .codec_config = kAvcc,
                          .width = 320,
                          .height = 240};
}

Bytes init_for(const media::TrackInfo& track) {
  auto init = write_init_segment(track);
  EXPECT_TRUE(init.ok());
  return init.ok() ? *init : Bytes{};
}

// A sample whose bytes tell it apart from the others.
struct Frame {
  bool keyframe;
  Bytes data;
};

Result<Bytes> fragment(uint32_t track_id, uint32_t seq, const std::vector<Frame>& frames,
                       bool with_styp) {
  std::vector<Sample> samples;
  int64_t dts = 0;
  for (const Frame& f : frames) {
    samples.push_back(Sample{dts, dts, 3000, f.keyframe, f.data});
    dts += 3000;
  }
  return with_styp ? write_media_segment(track_id, seq, samples)
                   : write_fragment(track_id, seq, samples);
}

Bytes segment(const std::vector<Frame>& frames, uint32_t track_id = 1) {
  auto s = fragment(track_id, 1, frames, true);
  EXPECT_TRUE(s.ok());
  return s.ok() ? *s : Bytes{};
}

TEST(Fmp4KeyframeReader, ReadsTheVideoInit) {
  Bytes init = init_for(video_track(7));
  auto v = read_video_init(init);
  ASSERT_TRUE(v.ok()) << v.error().describe();
  EXPECT_EQ(v->track_id, 7u);
  EXPECT_EQ(v->timescale, 90000u);
  EXPECT_EQ(v->sample_entry, "avc1");
  EXPECT_EQ(Bytes(v->avcc.begin(), v->avcc.end()), kAvcc);
  EXPECT_EQ(v->width, 320);
  EXPECT_EQ(v->height, 240);
}

TEST(Fmp4KeyframeReader, AudioInitHasNoVideoTrack) {
  media::TrackInfo audio{.id = 1,
                         .kind = media::MediaKind::Audio,
                         .codec = media::Codec::Aac,
                         .timescale = 48000,
                         .codec_config = hex("1190"),
                         .bitrate = 128000};
  auto v = read_video_init(init_for(audio));
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, Code::Unsupported);
}

TEST(Fmp4KeyframeReader, FirstSampleIsTheKeyframe) {
  Bytes init = init_for(video_track());
  auto v = read_video_init(init);
  ASSERT_TRUE(v.ok());
  Bytes seg = segment({{true, hex("0000000165aa")}, {false, hex("0000000141bb")}});
  auto sample = first_sync_sample(seg, *v);
  ASSERT_TRUE(sample.ok()) << sample.error().describe();
  EXPECT_EQ(Bytes(sample->begin(), sample->end()), hex("0000000165aa"));
}

TEST(Fmp4KeyframeReader, SkipsLeadingNonSyncSamples) {
  auto v = read_video_init(init_for(video_track()));
  ASSERT_TRUE(v.ok());
  Bytes seg = segment({{false, hex("01")}, {false, hex("0203")}, {true, hex("040506")}});
  auto sample = first_sync_sample(seg, *v);
  ASSERT_TRUE(sample.ok()) << sample.error().describe();
  EXPECT_EQ(Bytes(sample->begin(), sample->end()), hex("040506"));
}

TEST(Fmp4KeyframeReader, FindsTheKeyframeInALaterFragment) {
  // An LL-HLS segment: the concatenation of its parts, each one fragment.
  auto v = read_video_init(init_for(video_track()));
  ASSERT_TRUE(v.ok());
  auto first = fragment(1, 1, {{false, hex("0a0b")}}, true);
  auto second = fragment(1, 2, {{true, hex("0c0d0e")}}, false);
  ASSERT_TRUE(first.ok() && second.ok());
  Bytes seg = *first;
  seg.insert(seg.end(), second->begin(), second->end());
  auto sample = first_sync_sample(seg, *v);
  ASSERT_TRUE(sample.ok()) << sample.error().describe();
  EXPECT_EQ(Bytes(sample->begin(), sample->end()), hex("0c0d0e"));
}

TEST(Fmp4KeyframeReader, NoKeyframeOrOtherTrackIsNotFound) {
  auto v = read_video_init(init_for(video_track()));
  ASSERT_TRUE(v.ok());
  auto none = first_sync_sample(segment({{false, hex("01")}}), *v);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, Code::NotFound);
  auto other = first_sync_sample(segment({{true, hex("01")}}, 2), *v);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, Code::NotFound);
}

// A fragment as other writers make them (ffmpeg's, for one): sample flags
// from tfhd's default, the first sample's in trun's first_sample_flags, sizes
// per sample, and an explicit base data offset when `absolute_base`.
Bytes foreign_fragment(std::optional<uint32_t> first_flags, bool absolute_base) {
  const Bytes a = hex("0000000165aa");
  const Bytes b = hex("0000000141bb");
  auto build = [&](uint32_t data_offset) {
    BoxWriter w;
    w.begin("moof");
    w.begin_full("mfhd", 0, 0);
    w.out().u32be(1);
    w.end();
    w.begin("traf");
    w.begin_full("tfhd", 0, (absolute_base ? 0x000001 : 0x020000) | 0x000020);
    w.out().u32be(1);  // track_ID
    if (absolute_base) {
      w.out().u64be(0);  // offsets from the start of the segment
    }
    w.out().u32be(0x01010000);  // default flags: non-sync
    w.end();
    w.begin_full("trun", 0, 0x000001 | 0x000200 | (first_flags ? 0x000004 : 0));
    w.out().u32be(2);
    w.out().u32be(data_offset);
    if (first_flags) {
      w.out().u32be(*first_flags);
    }
    w.out().u32be(static_cast<uint32_t>(a.size()));
    w.out().u32be(static_cast<uint32_t>(b.size()));
    w.end();
    w.end();
    w.end();
    w.begin("mdat");
    w.out().bytes(a);
    w.out().bytes(b);
    w.end();
    return std::move(w).take();
  };
  size_t moof_size = build(0).size() - 8 - a.size() - b.size();
  return build(static_cast<uint32_t>(moof_size + 8));  // the mdat's payload
}

TEST(Fmp4KeyframeReader, ReadsDefaultAndFirstSampleFlags) {
  auto v = read_video_init(init_for(video_track()));
  ASSERT_TRUE(v.ok());
  for (bool absolute_base : {false, true}) {
    Bytes seg = foreign_fragment(0x02000000, absolute_base);
    auto sample = first_sync_sample(seg, *v);
    ASSERT_TRUE(sample.ok()) << sample.error().describe();
    EXPECT_EQ(Bytes(sample->begin(), sample->end()), hex("0000000165aa")) << absolute_base;
  }
  // Without first_sample_flags every sample takes tfhd's non-sync default.
  auto none = first_sync_sample(foreign_fragment(std::nullopt, false), *v);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, Code::NotFound);
}

TEST(Fmp4KeyframeReader, TruncatedInputIsAnErrorAtEveryLength) {
  Bytes init = init_for(video_track());
  auto v = read_video_init(init);
  ASSERT_TRUE(v.ok());
  Bytes seg = segment({{true, hex("0000000165aa")}});
  for (size_t n = 0; n < seg.size(); ++n) {
    auto sample = first_sync_sample(ByteSpan(seg).first(n), *v);
    EXPECT_FALSE(sample.ok()) << n;
  }
  for (size_t n = 0; n < init.size(); ++n) {
    EXPECT_FALSE(read_video_init(ByteSpan(init).first(n)).ok()) << n;
  }
}

TEST(Fmp4KeyframeReader, SampleOutsideTheSegmentIsInvalid) {
  auto v = read_video_init(init_for(video_track()));
  ASSERT_TRUE(v.ok());
  Bytes seg = segment({{true, hex("0000000165aa")}});
  // Cut the mdat's payload but keep its header consistent: the sample then
  // points past the end of the span.
  Bytes cut(seg.begin(), seg.end() - 6);
  cut[cut.size() - 8 + 3] = std::byte{8};  // mdat size = header only
  auto sample = first_sync_sample(cut, *v);
  ASSERT_FALSE(sample.ok());
  EXPECT_EQ(sample.error().code, Code::InvalidArgument);
}

}  // namespace
}  // namespace antcdn::format::fmp4
