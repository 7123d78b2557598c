#include "package/stream_packager.h"

#include <atomic>
#include <map>

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "format/fmp4/box_walker.h"
#include "format/fmp4/media_segment.h"
#include "package/stored_session.h"
#include "storage/memory_store.h"
#include "storage/write_queue.h"
#include "support/bytes_helpers.h"

namespace antcdn::package {
namespace {

using antcdn::test::hex;

// An x264 avcC (320x240 High) and a 48 kHz mono AAC-LC AudioSpecificConfig.
const Bytes kAvcC =
    hex("0164000dffe100196764000dacd94141fb0110000003001000000303c0f142996001000468ef8fcbfdf8f800");
const Bytes kAsc = hex("1188");

std::vector<media::TrackInfo> tracks() {
  return {media::TrackInfo{.id = 1,
                           .kind = media::MediaKind::Video,
                           .codec = media::Codec::H264,
                           .timescale = 1000,
                           .codec_config = kAvcC,
                           .width = 320,
                           .height = 240,
                           .frame_rate = 30},
          media::TrackInfo{.id = 2,
                           .kind = media::MediaKind::Audio,
                           .codec = media::Codec::Aac,
                           .timescale = 1000,
                           .codec_config = kAsc,
                           .sample_rate = 48000,
                           .channels = 1}};
}

// Interleaved A/V for [from_ms, to_ms): 30 fps video with a keyframe each second.
void feed(media::AccessUnitSink& sink, int64_t from_ms, int64_t to_ms) {
  int64_t v = from_ms;
  int64_t a_samples = from_ms * 48;
  while (v < to_ms) {
    while (a_samples / 48 <= v) {
      sink.on_access_unit(media::AccessUnit{.track_id = 2,
                                            .dts = a_samples / 48,
                                            .pts = a_samples / 48,
                                            .keyframe = true,
                                            .arrival_unix_ms = 1700000000000 + a_samples / 48,
                                            .data = Bytes(100, std::byte{0x21})});
      a_samples += 1024;
    }
    Bytes nal = {std::byte{0},    std::byte{0}, std::byte{0}, std::byte{3},
                 std::byte{0x65}, std::byte{1}, std::byte{2}};
    sink.on_access_unit(media::AccessUnit{.track_id = 1,
                                          .dts = v,
                                          .pts = v + 33,
                                          .keyframe = (v - from_ms) % 1000 < 33,
                                          .arrival_unix_ms = 1700000000000 + v,
                                          .data = std::move(nal)});
    v += 33;
  }
}

std::string text(storage::ObjectStore& s, const std::string& key) {
  auto o = s.get(key);
  return o.ok() ? std::string(as_chars((*o)->data)) : std::string();
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// "2023-11-14T22:13:20.250Z" -> Unix ms.
int64_t pdt_ms(const std::string& s) {
  std::tm tm{};
  tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(s.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(s.substr(8, 2));
  tm.tm_hour = std::stoi(s.substr(11, 2));
  tm.tm_min = std::stoi(s.substr(14, 2));
  tm.tm_sec = std::stoi(s.substr(17, 2));
  return static_cast<int64_t>(timegm(&tm)) * 1000 + std::stoi(s.substr(20, 3));
}

// One playlist entry: its PDT, EXTINF and URI.
struct Entry {
  int64_t pdt_ms = 0;
  double extinf_s = 0;
  std::string uri;
};
std::vector<Entry> entries(const std::string& playlist) {
  std::vector<Entry> out;
  Entry next;
  size_t pos = 0;
  while (pos < playlist.size()) {
    size_t end = playlist.find('\n', pos);
    std::string line = playlist.substr(pos, end - pos);
    pos = end == std::string::npos ? playlist.size() : end + 1;
    if (line.starts_with("#EXT-X-PROGRAM-DATE-TIME:")) {
      next.pdt_ms = pdt_ms(line.substr(25));
    } else if (line.starts_with("#EXTINF:")) {
      next.extinf_s = std::stod(line.substr(8));
    } else if (!line.empty() && line[0] != '#') {
      next.uri = line;
      out.push_back(next);
      next = Entry{};
    }
  }
  return out;
}

// The tfdt of a stored segment, in microseconds.
int64_t tfdt_us(storage::ObjectStore& s, const std::string& key, uint32_t timescale) {
  auto o = s.get(key);
  EXPECT_TRUE(o.ok()) << key;
  if (!o.ok()) {
    return -1;
  }
  auto boxes = format::fmp4::walk_boxes((*o)->data);
  const format::fmp4::Box* tfdt =
      boxes.ok() ? format::fmp4::find_box(*boxes, "moof/traf/tfdt") : nullptr;
  EXPECT_NE(tfdt, nullptr) << key;
  if (tfdt == nullptr) {
    return -1;
  }
  ByteReader r(tfdt->payload.subspan(4));
  return static_cast<int64_t>(r.u64be() * 1000000 / timescale);
}

class StreamPackagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<StreamPackager> make(PackagerOptions options = PackagerOptions{
                                           .edge_id = "lse_test", .passthrough = true}) {
    return std::make_unique<StreamPackager>(
        std::move(options), writes_,
        PackagerEvents{.on_ready = [this] { ++ready_; },
                       .on_failed = [this](const std::string&) { ++failed_; }});
  }
  storage::MemoryStore store_;
  storage::WriteQueue writes_{store_, storage::WriteQueueOptions{}};
  std::atomic<int> ready_{0};
  std::atomic<int> failed_{0};
};

TEST_F(StreamPackagerTest, WritesInitSegmentsAndPlaylistsForEveryRendition) {
  auto p = make();
  p->on_tracks(tracks());
  feed(*p, 0, 5000);
  writes_.flush();
  EXPECT_EQ(ready_, 1);
  std::string master = text(store_, "lse_test/master.m3u8");
  EXPECT_NE(master.find("#EXT-X-STREAM-INF:"), std::string::npos) << master;
  EXPECT_NE(master.find("RESOLUTION=320x240"), std::string::npos) << master;
  EXPECT_NE(master.find("avc1.64000d,mp4a.40.2"), std::string::npos) << master;
  EXPECT_NE(master.find("TYPE=AUDIO"), std::string::npos) << master;
  EXPECT_NE(master.find("source/index.m3u8"), std::string::npos);

  std::string video = text(store_, "lse_test/source/index.m3u8");
  std::string audio = text(store_, "lse_test/audio/index.m3u8");
  EXPECT_NE(video.find("#EXT-X-MAP:URI=\"init-"), std::string::npos) << video;
  EXPECT_EQ(video.find("#EXT-X-ENDLIST"), std::string::npos);
  p->on_end(media::EndReason::Clean);
  writes_.flush();
  video = text(store_, "lse_test/source/index.m3u8");
  audio = text(store_, "lse_test/audio/index.m3u8");
  EXPECT_NE(video.find("#EXT-X-ENDLIST"), std::string::npos) << video;
  EXPECT_NE(audio.find("#EXT-X-ENDLIST"), std::string::npos) << audio;
  EXPECT_NE(video.find("#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20.000Z"), std::string::npos)
      << video;
  // Keyframes each second and a 2 s target: cuts at 2 s and 4 s, then the rest.
  EXPECT_EQ(count(video, "#EXTINF:2.0"), 2u) << video;
  EXPECT_EQ(failed_, 0);
  size_t m4s = 0;
  for (const auto& k : store_.keys()) {
    m4s += k.ends_with(".m4s");
  }
  EXPECT_EQ(m4s, 6u);  // 3 video + 3 audio
}

// Frames reach ingest late by a varying amount (network jitter), but PDT
// follows media time: consecutive PDTs differ by exactly the EXTINF, and the
// same media time has the same PDT in video and audio.
TEST_F(StreamPackagerTest, ProgramDateTimeFollowsMediaTimeNotArrival) {
  auto p = make();
  p->on_tracks(tracks());
  struct Jittered final : media::AccessUnitSink {
    explicit Jittered(media::AccessUnitSink& s) : inner(s) {}
    void on_tracks(const std::vector<media::TrackInfo>& t) override { inner.on_tracks(t); }
    void on_access_unit(media::AccessUnit&& u) override {
      u.arrival_unix_ms += (n++ * 7919) % 400;  // 0..399 ms late
      inner.on_access_unit(std::move(u));
    }
    void on_end(media::EndReason r) override { inner.on_end(r); }
    media::AccessUnitSink& inner;
    int64_t n = 0;
  } jittered(*p);
  feed(jittered, 0, 9000);
  p->on_end(media::EndReason::Clean);
  writes_.flush();
  auto video = entries(text(store_, "lse_test/source/index.m3u8"));
  auto audio = entries(text(store_, "lse_test/audio/index.m3u8"));
  ASSERT_GE(video.size(), 4u);
  ASSERT_EQ(video.size(), audio.size());
  EXPECT_EQ(video[0].pdt_ms, 1700000000000) << "anchored at the first frame's arrival";
  for (const auto* list : {&video, &audio}) {
    for (size_t i = 0; i + 1 < list->size(); ++i) {
      EXPECT_NEAR((*list)[i + 1].pdt_ms - (*list)[i].pdt_ms, (*list)[i].extinf_s * 1000, 1.0)
          << (*list)[i].uri;
    }
  }
  // PDT - media time (tfdt) is one constant for every segment of both tracks.
  const int64_t offset =
      video[0].pdt_ms * 1000 - tfdt_us(store_, "lse_test/source/" + video[0].uri, 90000);
  for (size_t i = 0; i < video.size(); ++i) {
    EXPECT_NEAR(video[i].pdt_ms * 1000 - tfdt_us(store_, "lse_test/source/" + video[i].uri, 90000),
                offset, 1000)
        << video[i].uri;
    EXPECT_NEAR(audio[i].pdt_ms * 1000 - tfdt_us(store_, "lse_test/audio/" + audio[i].uri, 48000),
                offset, 1000)
        << audio[i].uri;
  }
}

TEST_F(StreamPackagerTest, ReconnectContinuesThePlaylistsAfterADiscontinuity) {
  auto p = make();
  p->on_tracks(tracks());
  feed(*p, 0, 4100);
  p->on_end(media::EndReason::Dropped);
  writes_.flush();
  std::string before = text(store_, "lse_test/source/index.m3u8");
  EXPECT_EQ(before.find("#EXT-X-ENDLIST"), std::string::npos);
  p->on_tracks(tracks());
  feed(*p, 0, 4100);  // a new encoder starts its clock at zero again
  p->on_end(media::EndReason::Clean);
  writes_.flush();
  EXPECT_EQ(ready_, 2);
  std::string video = text(store_, "lse_test/source/index.m3u8");
  EXPECT_NE(video.find("#EXT-X-DISCONTINUITY\n"), std::string::npos) << video;
  EXPECT_NE(video.find("#EXT-X-ENDLIST"), std::string::npos);
  // Two sessions, two init sections, both referenced.
  EXPECT_EQ(count(video, "#EXT-X-MAP"), 2u) << video;
}

// Another node's packager: a session that dropped, then the stream given up
// there without writing another object (EndReason::Abandoned).
void run_dropped_session(StreamPackager& p, storage::WriteQueue& writes) {
  p.on_tracks(tracks());
  feed(p, 0, 4100);
  p.on_end(media::EndReason::Dropped);
  writes.flush();
  p.on_end(media::EndReason::Abandoned);
}

TEST_F(StreamPackagerTest, ANewPackagerContinuesTheStoredPlaylists) {
  run_dropped_session(*make(), writes_);
  std::vector<std::string> first_keys = store_.keys();
  std::map<std::string, std::string> before;
  for (const std::string name : {"source", "audio"}) {
    before[name] = text(store_, "lse_test/" + name + "/index.m3u8");
    ASSERT_EQ(count(before[name], "#EXTINF"), 3u) << before[name];
  }

  auto stored = load_stored_session(store_, "lse_test", PackagerOptions{}.window_segments);
  ASSERT_TRUE(stored.ok()) << stored.error().describe();
  auto p = make();
  ASSERT_TRUE(p->continue_stored(std::move(*stored)).ok());
  p->on_tracks(tracks());
  feed(*p, 0, 4100);
  p->on_end(media::EndReason::Dropped);
  writes_.flush();
  EXPECT_EQ(ready_, 2);
  EXPECT_EQ(failed_, 0);
  for (const auto& key : first_keys) {
    EXPECT_TRUE(store_.get(key).ok()) << key << " was removed";
  }
  for (const auto& [name, old] : before) {
    std::string now = text(store_, "lse_test/" + name + "/index.m3u8");
    // The stored window as it was (same sequence numbers), then the new session.
    ASSERT_TRUE(now.starts_with(old)) << old << "\n----\n" << now;
    std::string added = now.substr(old.size());
    const std::string map = "#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"";
    ASSERT_TRUE(added.starts_with(map)) << added;
    EXPECT_EQ(count(now, "#EXT-X-DISCONTINUITY\n"), 1u) << now;
    std::string init = added.substr(map.size(), added.find('"', map.size()) - map.size());
    EXPECT_EQ(old.find(init), std::string::npos) << init << " is not new";
    EXPECT_TRUE(store_.get("lse_test/" + name + "/" + init).ok()) << init;
    EXPECT_EQ(count(added, "#EXTINF"), 3u) << added;
    EXPECT_NE(added.find("-3.m4s\n"), std::string::npos) << added;
    EXPECT_NE(added.find("-5.m4s\n"), std::string::npos) << added;
  }
}

TEST_F(StreamPackagerTest, StoredSegmentsLeavingTheWindowAreDeletedAsUsual) {
  PackagerOptions options{
      .edge_id = "lse_test", .passthrough = true, .window_segments = 3, .delete_grace_ms = 0};
  run_dropped_session(*make(options), writes_);
  std::vector<std::string> old_segments;
  for (const auto& k : store_.keys()) {
    if (k.ends_with(".m4s")) {
      old_segments.push_back(k);
    }
  }
  ASSERT_EQ(old_segments.size(), 6u);

  auto stored = load_stored_session(store_, "lse_test", options.window_segments);
  ASSERT_TRUE(stored.ok()) << stored.error().describe();
  auto p = make(options);
  ASSERT_TRUE(p->continue_stored(std::move(*stored)).ok());
  p->on_tracks(tracks());
  feed(*p, 0, 4100);
  p->on_end(media::EndReason::Clean);
  writes_.flush();
  for (const auto& k : old_segments) {
    EXPECT_FALSE(store_.get(k).ok()) << k << " outlived the window";
  }
  std::string video = text(store_, "lse_test/source/index.m3u8");
  EXPECT_NE(video.find("#EXT-X-MEDIA-SEQUENCE:3\n"), std::string::npos) << video;
  EXPECT_NE(video.find("#EXT-X-ENDLIST"), std::string::npos) << video;
}

TEST_F(StreamPackagerTest, AnEndedStoredSessionIsNotContinued) {
  {
    auto first = make();
    first->on_tracks(tracks());
    feed(*first, 0, 2100);
    first->on_end(media::EndReason::Clean);
    writes_.flush();
  }
  std::vector<std::string> first_media;  // playlists are rewritten; these are not
  for (const auto& k : store_.keys()) {
    if (k.ends_with(".m4s") || k.ends_with(".mp4")) {
      first_media.push_back(k);
    }
  }
  auto stored = load_stored_session(store_, "lse_test", 10);
  ASSERT_TRUE(stored.ok()) << stored.error().describe();
  auto p = make();
  Status refused = p->continue_stored(std::move(*stored));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Code::Conflict);

  // So the caller starts afresh, which replaces the old session's objects.
  p->on_tracks(tracks());
  feed(*p, 0, 2100);
  writes_.flush();
  for (const auto& key : first_media) {
    EXPECT_FALSE(store_.get(key).ok()) << key;
  }
  EXPECT_EQ(count(text(store_, "lse_test/source/index.m3u8"), "#EXT-X-DISCONTINUITY\n"), 0u);
  auto again = load_stored_session(store_, "lse_test", 10);
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_EQ(p->continue_stored(std::move(*again)).error().code, Code::Conflict);  // too late
}

// The packager of an ended session may still write (a transcoder flushing on
// teardown ends it late, with ENDLIST): once the next session's packager has
// started, none of that lands over the new session's playlists, and the old
// one reports no failure (which would fail the new session of the stream).
TEST_F(StreamPackagerTest, AnEndedSessionsLateWritesNeverOverwriteTheNextSession) {
  auto old_session = make();
  old_session->on_tracks(tracks());
  feed(*old_session, 0, 4100);
  writes_.flush();

  auto new_session = make();
  new_session->on_tracks(tracks());
  feed(*new_session, 0, 4100);
  old_session->on_end(media::EndReason::Killed);  // late: cuts a segment, writes ENDLIST
  writes_.flush();

  std::string video = text(store_, "lse_test/source/index.m3u8");
  EXPECT_EQ(video.find("#EXT-X-ENDLIST"), std::string::npos) << video;
  EXPECT_EQ(count(video, "#EXT-X-MAP"), 1u) << "only the new session's init: " << video;
  for (const auto& k : store_.keys()) {
    EXPECT_EQ(k.find("-2.m4s"), std::string::npos) << "the old session's late segment: " << k;
  }
  EXPECT_EQ(failed_, 0);
  new_session->on_end(media::EndReason::Clean);
  writes_.flush();
  EXPECT_NE(text(store_, "lse_test/source/index.m3u8").find("#EXT-X-ENDLIST"), std::string::npos);
}

// The parts of a playlist's segment in progress and of its recent segments.
std::vector<std::string> part_lines(const std::string& playlist) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = playlist.find("#EXT-X-PART:", pos)) != std::string::npos) {
    size_t end = playlist.find('\n', pos);
    out.push_back(playlist.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

double part_duration(const std::string& line) {
  return std::stod(line.substr(line.find("DURATION=") + 9));
}

std::string part_uri(const std::string& line) {
  size_t at = line.find("URI=\"") + 5;
  return line.substr(at, line.find('"', at) - at);
}

PackagerOptions low_latency_options() {
  return PackagerOptions{
      .edge_id = "lse_test", .passthrough = true, .low_latency = true, .part_target_ms = 500};
}

TEST_F(StreamPackagerTest, LowLatencyListsPartsNoLongerThanTheTargetInEveryRendition) {
  auto p = make(low_latency_options());
  p->on_tracks(tracks());
  feed(*p, 0, 5200);  // two whole segments and parts of the third
  writes_.flush();
  EXPECT_EQ(failed_, 0);
  EXPECT_EQ(ready_, 1);
  for (std::string rendition : {"source", "audio"}) {
    std::string playlist = text(store_, "lse_test/" + rendition + "/index.m3u8");
    SCOPED_TRACE(playlist);
    // This feed's keyframes make 2.013 s segments: still a 2 s target duration.
    EXPECT_NE(playlist.find("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12.000,"
                            "PART-HOLD-BACK=1.500,HOLD-BACK=6.000\n"),
              std::string::npos);
    EXPECT_NE(playlist.find("#EXT-X-PART-INF:PART-TARGET=0.500\n"), std::string::npos);
    EXPECT_NE(playlist.find("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\""), std::string::npos);
    std::string other = rendition == "source" ? "audio" : "source";
    EXPECT_NE(playlist.find("#EXT-X-RENDITION-REPORT:URI=\"../" + other +
                            "/index.m3u8\",LAST-MSN=2,LAST-PART="),
              std::string::npos);
    auto parts = part_lines(playlist);
    ASSERT_GE(parts.size(), 9u);  // 2 segments of >= 4 parts, then the third's
    for (const auto& line : parts) {
      EXPECT_LE(part_duration(line), 0.5) << line;
      EXPECT_GT(part_duration(line), 0.0) << line;
      EXPECT_TRUE(store_.get("lse_test/" + rendition + "/" + part_uri(line)).ok()) << line;
    }
    EXPECT_EQ(part_uri(parts[0]).substr(part_uri(parts[0]).find('-')), "-0.0.m4s");
    // Video parts that start at a keyframe, and every audio part, are independent.
    EXPECT_NE(parts[0].find("INDEPENDENT=YES"), std::string::npos);
    if (rendition == "source") {
      EXPECT_EQ(parts[1].find("INDEPENDENT=YES"), std::string::npos) << parts[1];
    } else {
      EXPECT_NE(parts[1].find("INDEPENDENT=YES"), std::string::npos) << parts[1];
    }
  }
}

// A segment is its parts behind one styp: the same samples, in the same order.
TEST_F(StreamPackagerTest, LowLatencySegmentsAreTheConcatenationOfTheirParts) {
  auto p = make(low_latency_options());
  p->on_tracks(tracks());
  feed(*p, 0, 2100);
  writes_.flush();
  std::string playlist = text(store_, "lse_test/source/index.m3u8");
  auto segments = entries(playlist);
  ASSERT_EQ(segments.size(), 1u) << playlist;
  auto parts = part_lines(playlist.substr(0, playlist.find("#EXTINF")));
  ASSERT_GE(parts.size(), 4u) << playlist;
  auto segment = store_.get("lse_test/source/" + segments[0].uri);
  ASSERT_TRUE(segment.ok());
  Bytes joined = format::fmp4::write_styp();
  double total = 0;
  for (const auto& line : parts) {
    auto part = store_.get("lse_test/source/" + part_uri(line));
    ASSERT_TRUE(part.ok()) << line;
    joined.insert(joined.end(), (*part)->data.begin(), (*part)->data.end());
    total += part_duration(line);
  }
  EXPECT_EQ(joined, (*segment)->data);
  EXPECT_NEAR(total, segments[0].extinf_s, 0.002);
}

// Parts are listed for the last three segments only; older parts are deleted
// like segments leaving the window.
TEST_F(StreamPackagerTest, LowLatencyKeepsPartsOfTheLastSegmentsOnly) {
  PackagerOptions options = low_latency_options();
  options.delete_grace_ms = 0;
  auto p = make(options);
  p->on_tracks(tracks());
  feed(*p, 0, 20100);
  writes_.flush();
  std::string playlist = text(store_, "lse_test/source/index.m3u8");
  auto segments = entries(playlist);
  ASSERT_GE(segments.size(), 5u) << playlist;
  size_t first_part = playlist.find("#EXT-X-PART:");
  size_t third_last_uri = playlist.find(segments[segments.size() - 4].uri + "\n");
  EXPECT_GT(first_part, third_last_uri) << "no parts before the last three segments\n" << playlist;
  size_t stored_parts = 0;
  for (const auto& k : store_.keys()) {
    stored_parts += k.starts_with("lse_test/source/") && count(k, ".") == 2;
  }
  EXPECT_LE(stored_parts, part_lines(playlist).size() + 4) << "older parts were deleted";
}

// Without low latency nothing changes: no parts, no LL tags.
TEST_F(StreamPackagerTest, StandardLatencyWritesNoPartsNorTags) {
  auto p = make();
  p->on_tracks(tracks());
  feed(*p, 0, 5200);
  writes_.flush();
  std::string playlist = text(store_, "lse_test/source/index.m3u8");
  for (const char* tag :
       {"#EXT-X-PART", "#EXT-X-SERVER-CONTROL", "#EXT-X-PRELOAD-HINT", "#EXT-X-RENDITION-REPORT"}) {
    EXPECT_EQ(playlist.find(tag), std::string::npos) << tag;
  }
}

// A reconnect's first parts come after the discontinuity and new map, before
// the session's first whole segment.
TEST_F(StreamPackagerTest, LowLatencyPartsOfAReconnectFollowItsDiscontinuity) {
  auto p = make(low_latency_options());
  p->on_tracks(tracks());
  feed(*p, 0, 4100);
  p->on_end(media::EndReason::Dropped);
  p->on_tracks(tracks());
  feed(*p, 10000, 10700);
  writes_.flush();
  std::string playlist = text(store_, "lse_test/source/index.m3u8");
  size_t disc = playlist.rfind("#EXT-X-DISCONTINUITY\n");
  ASSERT_NE(disc, std::string::npos) << playlist;
  size_t map = playlist.find("#EXT-X-MAP:", disc);
  size_t part = playlist.find("#EXT-X-PART:", disc);
  ASSERT_NE(map, std::string::npos) << playlist;
  ASSERT_NE(part, std::string::npos) << playlist;
  EXPECT_LT(map, part);
  EXPECT_EQ(playlist.find("#EXTINF", disc), std::string::npos) << playlist;
}
// LL players start from the first parts: the master comes with them, though
// the stream is ready (live) only once every rendition has a whole segment.
TEST_F(StreamPackagerTest, LowLatencyWritesTheMasterWithTheFirstParts) {
  auto p = make(low_latency_options());
  p->on_tracks(tracks());
  feed(*p, 0, 1200);
  writes_.flush();
  std::string master = text(store_, "lse_test/master.m3u8");
  EXPECT_NE(master.find("#EXT-X-STREAM-INF:BANDWIDTH="), std::string::npos) << master;
  EXPECT_EQ(master.find("BANDWIDTH=1,"), std::string::npos) << "estimated from the parts";
  EXPECT_NE(text(store_, "lse_test/source/index.m3u8").find("#EXT-X-PART:"), std::string::npos);
  EXPECT_EQ(ready_, 0);
  feed(*p, 1200, 2300);  // a keyframe at 2200 cuts the first segment
  writes_.flush();
  EXPECT_EQ(ready_, 1);
  EXPECT_EQ(failed_, 0);
}

}  // namespace
}  // namespace antcdn::package
