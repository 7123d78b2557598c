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

TEST(FirstVariant, NamesTheRenditionOfTheFirstStreamInf) {
  EXPECT_EQ(first_variant(kMaster), "720p");
  EXPECT_EQ(first_variant("#EXTM3U\r\n#EXT-X-STREAM-INF:BANDWIDTH=1\r\nsource/index.m3u8\r\n"),
            "source");
  EXPECT_EQ(first_variant("#EXTM3U\n"), "");
}

}  // namespace
}  // namespace antcdn::record
