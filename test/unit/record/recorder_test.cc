#include "record/recorder.h"

#include <future>

#include <gtest/gtest.h>

#include "storage/memory_store.h"
#include "storage/write_queue.h"

namespace antcdn::record {
namespace {

constexpr std::string_view kMaster =
    "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2000000\n720p/index.m3u8\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=800000\n360p/index.m3u8\n";

storage::ObjectPtr object(std::string_view text) {
  return storage::make_object(to_bytes(text));
}

class RecorderTest : public ::testing::Test {
 protected:
  // Feeds one session of `name`: init sections, two segments per rendition, the master.
  void session(Recorder& rec, const std::string& name) {
    for (std::string r : {"720p", "360p"}) {
      rec.add({name, r, media::MediaKind::Video, "init-" + name + ".mp4", object("init")});
    }
    rec.add({name, "audio", media::MediaKind::Audio, "init-" + name + ".mp4", object("ainit")});
    for (int i = 0; i < 2; ++i) {
      std::string file = name + "-" + std::to_string(seq_++) + ".m4s";
      for (std::string r : {"720p", "360p"}) {
        rec.add({name, r, media::MediaKind::Video, file, segment_, 2.0});
      }
      rec.add({name, "audio", media::MediaKind::Audio, file, object("a"), 2.0});
      rec.add({name, "", media::MediaKind::Video, "master.m3u8", object(kMaster)});
    }
  }

  storage::MemoryStore store_;
  storage::WriteQueue writes_{store_, {}};
  storage::ObjectPtr segment_ = object("segment bytes");
  int seq_ = 0;
};

TEST_F(RecorderTest, TwoSessionsBecomeOneVodRecording) {
  std::promise<RecordingResult> done;
  Recorder rec("rec_1", writes_, [&](RecordingResult r) { done.set_value(std::move(r)); });
  session(rec, "s1");
  session(rec, "s2");
  rec.finish();
  auto future = done.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  RecordingResult result = future.get();
  ASSERT_TRUE(result.written.ok()) << result.written.error().describe();
  EXPECT_EQ(result.sessions, 2);
  EXPECT_EQ(result.top_video, "720p");
  EXPECT_DOUBLE_EQ(result.duration_s, 8.0);

  // The same object the packager stored, under the recording's key: no copy.
  auto seg = store_.get("recordings/rec_1/720p/s1-0.m4s");
  ASSERT_TRUE(seg.ok());
  EXPECT_EQ(seg->get(), segment_.get());
  auto master = store_.get("recordings/rec_1/master.m3u8");
  ASSERT_TRUE(master.ok());
  EXPECT_EQ(as_chars((*master)->data), kMaster);
  auto playlist = store_.get("recordings/rec_1/audio/index.m3u8");
  ASSERT_TRUE(playlist.ok());
  std::string text(as_chars((*playlist)->data));
  EXPECT_NE(text.find("#EXT-X-PLAYLIST-TYPE:VOD\n"), std::string::npos);
  EXPECT_NE(text.find("#EXT-X-MAP:URI=\"init-s2.mp4\"\n"), std::string::npos);
  EXPECT_EQ(text.find("#EXT-X-DISCONTINUITY\n"), text.rfind("#EXT-X-DISCONTINUITY\n"));
  EXPECT_NE(text.find("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-s2.mp4\"\n"), std::string::npos);
  EXPECT_TRUE(text.ends_with("#EXT-X-ENDLIST\n"));
  // 3 renditions x (2 inits + 4 segments + playlist) + master
  EXPECT_EQ(store_.size(), 3u * 7u + 1u);
}

TEST_F(RecorderTest, NothingRecordedStillReportsOnce) {
  int calls = 0;
  {
    Recorder rec("rec_2", writes_, [&](RecordingResult r) {
      ++calls;
      EXPECT_TRUE(r.renditions.empty());
    });
    rec.finish();
    rec.finish();
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(store_.size(), 0u);
}

// What a Recorder reports, waited for.
struct Reported {
  std::promise<RecordingResult> promise;
  Recorder::Finished callback() {
    return [this](RecordingResult r) { promise.set_value(std::move(r)); };
  }
  RecordingResult get() {
    auto future = promise.get_future();
    EXPECT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    return future.get();
  }
};

TEST_F(RecorderTest, ACheckpointStoresThePlaylistsAsTheyStandAndAnotherRecorderGoesOn) {
  Reported first;
  Recorder rec("rec_1", writes_, first.callback());
  session(rec, "s1");
  rec.checkpoint();
  // Abandoned in the window: released once the checkpoint has landed, not finished.
  rec.abandon();
  RecordingResult left = first.get();
  EXPECT_TRUE(left.released);
  EXPECT_TRUE(left.renditions.empty());

  auto stored = store_.get("recordings/rec_1/720p/index.m3u8");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ((*stored)->options.cache_control, "no-cache");
  auto master = store_.get("recordings/rec_1/master.m3u8");
  ASSERT_TRUE(master.ok());
  // Another node reads it back and goes on after a discontinuity.
  RecordedProgress progress{.master = *master};
  for (std::string r : {"720p", "360p", "audio"}) {
    auto text = store_.get("recordings/rec_1/" + r + "/index.m3u8");
    ASSERT_TRUE(text.ok()) << r;
    auto kind = r == "audio" ? media::MediaKind::Audio : media::MediaKind::Video;
    auto parsed = parse_rendition_playlist(as_chars((*text)->data), r, kind);
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    progress.renditions.push_back(std::move(*parsed));
  }
  Reported second;
  Recorder next("rec_1", writes_, second.callback(), std::move(progress));
  session(next, "s2");
  next.finish();
  RecordingResult result = second.get();
  ASSERT_TRUE(result.written.ok()) << result.written.error().describe();
  EXPECT_FALSE(result.released);
  EXPECT_EQ(result.sessions, 2);
  EXPECT_EQ(result.top_video, "720p");
  EXPECT_DOUBLE_EQ(result.duration_s, 8.0);
  for (const auto& r : result.renditions) {
    ASSERT_EQ(r.inits.size(), 2u) << r.name;
    EXPECT_EQ(r.inits[0].first, "init-s1.mp4");
    EXPECT_EQ(r.inits[0].second, r.name == "audio" ? 5u : 4u);
    ASSERT_EQ(r.segments.size(), 4u) << r.name;
    EXPECT_EQ(r.segments[1].bytes, r.name == "audio" ? 1u : segment_->data.size());
    EXPECT_TRUE(r.segments[2].discontinuity_before) << r.name;
  }
  auto final_text = store_.get("recordings/rec_1/audio/index.m3u8");
  ASSERT_TRUE(final_text.ok());
  EXPECT_EQ((*final_text)->options.cache_control, "public, max-age=31536000, immutable");
  std::string text(as_chars((*final_text)->data));
  EXPECT_EQ(text.find("#EXT-X-DISCONTINUITY\n"), text.rfind("#EXT-X-DISCONTINUITY\n"));
  EXPECT_NE(text.find("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-s2.mp4\"\n"), std::string::npos);
  EXPECT_NE(text.find("#EXT-X-MAP:URI=\"init-s1.mp4\"\n"), std::string::npos);
}

TEST_F(RecorderTest, AbandonedWhilePublishingFinishes) {
  Reported done;
  Recorder rec("rec_3", writes_, done.callback());
  session(rec, "s1");
  rec.checkpoint();
  session(rec, "s2");  // the encoder came back here: the window is over
  rec.abandon();
  RecordingResult result = done.get();
  EXPECT_FALSE(result.released);
  EXPECT_EQ(result.sessions, 2);
  EXPECT_DOUBLE_EQ(result.duration_s, 8.0);
}

TEST_F(RecorderTest, ACheckpointWithNothingNewWritesNothing) {
  Reported done;
  Recorder rec("rec_4", writes_, done.callback());
  session(rec, "s1");
  rec.checkpoint();
  writes_.flush();
  size_t objects = store_.size();
  rec.checkpoint();
  writes_.flush();
  EXPECT_EQ(store_.size(), objects);
  EXPECT_EQ(objects, 3u * (1u + 2u + 1u) + 1u);  // init, segments, playlist; master
  rec.finish();
  EXPECT_FALSE(done.get().released);
}

TEST(FirstVariant, NamesTheRenditionOfTheFirstStreamInf) {
  EXPECT_EQ(first_variant(kMaster), "720p");
  EXPECT_EQ(first_variant("#EXTM3U\r\n#EXT-X-STREAM-INF:BANDWIDTH=1\r\nsource/index.m3u8\r\n"),
            "source");
  EXPECT_EQ(first_variant("#EXTM3U\n"), "");
}

}  // namespace
}  // namespace antcdn::record
