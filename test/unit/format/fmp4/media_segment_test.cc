#include "format/fmp4/media_segment.h"

#include <vector>

#include <gtest/gtest.h>

#include "format/fmp4/box_walker.h"
#include "support/bytes_helpers.h"

namespace antcdn::format::fmp4 {
namespace {

using antcdn::test::u32_at;

struct Fixture {
  std::vector<Bytes> payloads = {Bytes(10, std::byte{1}), Bytes(5, std::byte{2}),
                                 Bytes(7, std::byte{3})};
  std::vector<Sample> samples() const {
    // I P B in decode order: the B frame is presented before the P frame.
    return {Sample{3000, 6000, 3000, true, payloads[0]},
            Sample{6000, 12000, 3000, false, payloads[1]},
            Sample{9000, 9000, 3000, false, payloads[2]}};
  }
};

TEST(Fmp4MediaSegment, FragmentStructure) {
  Fixture f;
  auto samples = f.samples();
  auto frag = write_fragment(1, 42, samples);
  ASSERT_TRUE(frag.ok()) << frag.error().describe();
  auto boxes = walk_boxes(*frag);
  ASSERT_TRUE(boxes.ok()) << boxes.error().describe();
  ASSERT_EQ(boxes->size(), 2u);
  const Box& moof = (*boxes)[0];
  const Box& mdat = (*boxes)[1];
  EXPECT_EQ(moof.type, "moof");
  EXPECT_EQ(mdat.type, "mdat");
  EXPECT_EQ(mdat.payload.size(), 22u);

  EXPECT_EQ(u32_at(moof.find("mfhd")->payload, 4), 42u);
  const Box* tfhd = moof.find("traf/tfhd");
  ASSERT_NE(tfhd, nullptr);
  EXPECT_EQ(u32_at(tfhd->payload, 0), 0x00020000u);  // v0, default-base-is-moof
  EXPECT_EQ(u32_at(tfhd->payload, 4), 1u);
  const Box* tfdt = moof.find("traf/tfdt");
  ASSERT_NE(tfdt, nullptr);
  EXPECT_EQ(u32_at(tfdt->payload, 0), 0x01000000u);  // version 1
  ByteReader base(tfdt->payload.subspan(4));
  EXPECT_EQ(base.u64be(), 3000u);

  const Box* trun = moof.find("traf/trun");
  ASSERT_NE(trun, nullptr);
  ByteReader r(trun->payload);
  EXPECT_EQ(r.u32be(), 0x01000f01u);  // v1; offset, duration, size, flags, cto
  EXPECT_EQ(r.u32be(), 3u);
  uint32_t data_offset = r.u32be();
  EXPECT_EQ(moof.offset + data_offset, mdat.offset + 8);
  struct Expect {
    uint32_t size;
    uint32_t flags;
    int32_t cto;
  };
  for (Expect e :
       {Expect{10, 0x02000000, 3000}, Expect{5, 0x01010000, 6000}, Expect{7, 0x01010000, 0}}) {
    EXPECT_EQ(r.u32be(), 3000u);
    EXPECT_EQ(r.u32be(), e.size);
    EXPECT_EQ(r.u32be(), e.flags);
    EXPECT_EQ(static_cast<int32_t>(r.u32be()), e.cto);
  }
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(mdat.payload[0], std::byte{1});
  EXPECT_EQ(mdat.payload[10], std::byte{2});
  EXPECT_EQ(mdat.payload[15], std::byte{3});
}

TEST(Fmp4MediaSegment, NegativeCompositionOffsetsAndAudioWithoutCto) {
  Bytes d(4, std::byte{9});
  std::vector<Sample> video = {Sample{100, 50, 10, true, d}};
  auto frag = write_fragment(1, 1, video);
  ASSERT_TRUE(frag.ok());
  auto boxes = walk_boxes(*frag);
  const Box* trun = find_box(*boxes, "moof/traf/trun");
  EXPECT_EQ(static_cast<int32_t>(u32_at(trun->payload, 24)), -50);

  std::vector<Sample> audio = {Sample{0, 0, 1024, true, d}, Sample{1024, 1024, 1024, true, d}};
  frag = write_fragment(2, 1, audio);
  ASSERT_TRUE(frag.ok());
  boxes = walk_boxes(*frag);
  trun = find_box(*boxes, "moof/traf/trun");
  EXPECT_EQ(u32_at(trun->payload, 0), 0x01000701u);  // no composition offsets
  EXPECT_EQ(trun->payload.size(), 12u + 2 * 12);
}

TEST(Fmp4MediaSegment, SegmentOfSeveralFragments) {
  Fixture f;
  auto samples = f.samples();
  Bytes segment = write_styp();
  for (uint32_t seq = 5; seq < 7; ++seq) {
    auto frag = write_fragment(
        1, seq, std::span<const Sample>(samples).subspan(seq == 5 ? 0 : 2, seq == 5 ? 2 : 1));
    ASSERT_TRUE(frag.ok());
    segment.insert(segment.end(), frag->begin(), frag->end());
  }
  auto boxes = walk_boxes(segment);
  ASSERT_TRUE(boxes.ok());
  ASSERT_EQ(boxes->size(), 5u);
  EXPECT_EQ((*boxes)[0].type, "styp");
  EXPECT_EQ(as_chars((*boxes)[0].payload.first(4)), "msdh");
  EXPECT_EQ((*boxes)[1].type, "moof");
  EXPECT_EQ((*boxes)[3].type, "moof");
  EXPECT_EQ(u32_at((*boxes)[3].find("mfhd")->payload, 4), 6u);
  ByteReader base((*boxes)[3].find("traf/tfdt")->payload.subspan(4));
  EXPECT_EQ(base.u64be(), 9000u);
  // Each fragment's data offset is relative to its own moof.
  uint32_t off = u32_at((*boxes)[3].find("traf/trun")->payload, 8);
  EXPECT_EQ((*boxes)[3].offset + off, (*boxes)[4].offset + 8);

  auto whole = write_media_segment(1, 5, samples);
  ASSERT_TRUE(whole.ok());
  auto whole_boxes = walk_boxes(*whole);
  ASSERT_TRUE(whole_boxes.ok());
  EXPECT_EQ(whole_boxes->size(), 3u);
}

// write_media_segment builds in one buffer what styp + fragment concatenated
// used to give, byte for byte.
TEST(Fmp4MediaSegment, OneBufferSegmentEqualsStypPlusFragment) {
  Fixture f;
  auto samples = f.samples();
  auto fragment = write_fragment(1, 5, samples);
  ASSERT_TRUE(fragment.ok());
  Bytes expected = write_styp();
  expected.insert(expected.end(), fragment->begin(), fragment->end());
  auto whole = write_media_segment(1, 5, samples);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole, expected);
}

TEST(Fmp4MediaSegment, BadSamplesAreErrors) {
  Bytes d(1, std::byte{0});
  EXPECT_FALSE(write_fragment(1, 1, {}).ok());
  std::vector<Sample> zero = {Sample{0, 0, 0, true, d}};
  EXPECT_FALSE(write_fragment(1, 1, zero).ok());
  std::vector<Sample> negative = {Sample{-1, 0, 1, true, d}};
  EXPECT_FALSE(write_fragment(1, 1, negative).ok());
  std::vector<Sample> backwards = {Sample{10, 10, 1, true, d}, Sample{5, 5, 1, false, d}};
  EXPECT_FALSE(write_fragment(1, 1, backwards).ok());
  std::vector<Sample> far = {Sample{0, int64_t{1} << 40, 1, true, d}};
  EXPECT_FALSE(write_fragment(1, 1, far).ok());
}

TEST(Fmp4MediaSegment, SamplesFromAccessUnits) {
  std::vector<media::AccessUnit> units(3);
  for (int i = 0; i < 3; ++i) {
    units[i].dts = 1000 + 33 * i + (i == 2 ? 1 : 0);
    units[i].pts = units[i].dts + 66;
    units[i].keyframe = i == 0;
    units[i].data = Bytes(static_cast<size_t>(i + 1), std::byte{7});
  }
  auto samples = samples_from_access_units(units, 33);
  ASSERT_TRUE(samples.ok());
  ASSERT_EQ(samples->size(), 3u);
  EXPECT_EQ((*samples)[0].duration, 33u);
  EXPECT_EQ((*samples)[1].duration, 34u);
  EXPECT_EQ((*samples)[2].duration, 33u);
  EXPECT_EQ((*samples)[2].data.size(), 3u);
  EXPECT_TRUE((*samples)[0].keyframe);
  EXPECT_EQ((*samples)[1].pts - (*samples)[1].dts, 66);

  units[2].dts = units[1].dts;
  EXPECT_FALSE(samples_from_access_units(units, 33).ok());
  EXPECT_FALSE(samples_from_access_units(std::span(units).first(1), 0).ok());
}

}  // namespace
}  // namespace antcdn::format::fmp4
