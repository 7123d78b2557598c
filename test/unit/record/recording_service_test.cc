// Two nodes' RecordingServices over one SQLite store and one object store: a
// session taken over in its reconnect window stays in one recording.

#include "record/recording_service.h"

#include <gtest/gtest.h>

#include "net/blocking_pool.h"
#include "storage/memory_store.h"
#include "storage/write_queue.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace antcdn::record {
namespace {

constexpr std::string_view kMaster =
    "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nsource/index.m3u8\n";

storage::ObjectPtr object(std::string_view text) {
  return storage::make_object(to_bytes(text));
}

class RecordingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::sqlite::SqliteStore::open(dir_.file("antcdn.db"));
    ASSERT_TRUE(s.ok()) << s.error().describe();
    store_ = std::move(*s);
    first_ = service("node-1");
    second_ = service("node-2");
    stream_.stream_id = "ls_a";
    stream_.edge_id = "lse_a";
    stream_.owner_key_id = "key_a";
  }

  // The recorders of a test report (to its services) as they go.
  void TearDown() override { settle(); }

  std::unique_ptr<RecordingService> service(const std::string& node) {
    return std::make_unique<RecordingService>(
        store_->recordings(), objects_, writes_, pool_,
        RecordingServiceOptions{.node_id = node,
                                .checkpoint_wait = std::chrono::milliseconds(300)});
  }

  // Two segments of `name` in the source rendition and the audio; returns the last one's name.
  std::string feed(Recorder& rec, const std::string& name) {
    std::string last;
    for (auto kind : {media::MediaKind::Video, media::MediaKind::Audio}) {
      std::string r = kind == media::MediaKind::Video ? "source" : "audio";
      rec.add({name, r, kind, "init-" + name + ".mp4", object("init")});
      for (int i = 0; i < 2; ++i) {
        last = name + "-" + std::to_string(seq_ + i) + ".m4s";
        rec.add({name, r, kind, last, object("media"), 2.0});
      }
    }
    seq_ += 2;
    rec.add({name, "", media::MediaKind::Video, "master.m3u8", object(kMaster)});
    return last;
  }

  std::vector<LiveTail> tails(const std::string& last) {
    return {{.rendition = "source", .kind = media::MediaKind::Video, .last_uri = last},
            {.rendition = "audio", .kind = media::MediaKind::Audio, .last_uri = last}};
  }

  // Every write landed and every finishing job ran.
  void settle() {
    writes_.flush();
    ASSERT_TRUE(pool_.wait_idle_for(std::chrono::seconds(30)));
  }

  std::vector<store::RecordingRecord> rows() {
    auto page = store_->recordings().list_recordings("ls_a", 10, std::nullopt);
    EXPECT_TRUE(page.ok());
    return page.ok() ? *page : std::vector<store::RecordingRecord>{};
  }

  test::TempDir dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  storage::MemoryStore objects_;
  storage::WriteQueue writes_{objects_, {}};
  net::BlockingPool pool_{"test-recordings", 1};
  std::unique_ptr<RecordingService> first_;
  std::unique_ptr<RecordingService> second_;
  store::StreamRecord stream_;
  int seq_ = 0;
};

TEST_F(RecordingServiceTest, ASessionTakenOverGoesOnInTheSameRecording) {
  auto before = first_->begin(stream_);
  ASSERT_TRUE(before);
  std::string last = feed(*before, "s1");
  before->checkpoint();  // the publisher dropped
  settle();

  auto after = second_->join(stream_, tails(last), objects_);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->recording_id(), before->recording_id());
  // The first node, told to abandon the session, leaves the recording alone.
  before->abandon();
  settle();
  ASSERT_EQ(rows().size(), 1u);
  EXPECT_EQ(rows()[0].node_id, "node-2");
  EXPECT_EQ(rows()[0].state, store::RecordingState::Recording);

  feed(*after, "s2");
  after->finish();
  settle();
  ASSERT_EQ(rows().size(), 1u);
  EXPECT_EQ(rows()[0].state, store::RecordingState::Ready);
  EXPECT_EQ(rows()[0].duration_ms, 8000);
  auto playlist = objects_.get("recordings/" + after->recording_id() + "/source/index.m3u8");
  ASSERT_TRUE(playlist.ok());
  std::string text(as_chars((*playlist)->data));
  EXPECT_EQ(text.find("#EXT-X-DISCONTINUITY\n"), text.rfind("#EXT-X-DISCONTINUITY\n"));
  size_t first = text.find("#EXT-X-MAP:URI=\"init-s1.mp4\"\n#EXTINF:2.000,\ns1-0.m4s\n");
  size_t second = text.find("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-s2.mp4\"\n");
  ASSERT_NE(first, std::string::npos) << text;
  ASSERT_NE(second, std::string::npos) << text;
  EXPECT_LT(first, second);
  EXPECT_TRUE(text.ends_with("s2-3.m4s\n#EXT-X-ENDLIST\n")) << text;
}

TEST_F(RecordingServiceTest, AReleasedRecordingIsClaimedByTheNodeThatGoesOn) {
  auto before = first_->begin(stream_);
  ASSERT_TRUE(before);
  std::string last = feed(*before, "s1");
  before->checkpoint();
  before->abandon();  // before the other node joins, this time
  settle();
  ASSERT_EQ(rows().size(), 1u);
  EXPECT_EQ(rows()[0].node_id, "");
  auto after = second_->join(stream_, tails(last), objects_);
  ASSERT_TRUE(after);
  EXPECT_EQ(rows()[0].node_id, "node-2");
}

TEST_F(RecordingServiceTest, ACheckpointThatDoesNotReachTheLivePlaylistsFailsTheRecording) {
  auto before = first_->begin(stream_);
  ASSERT_TRUE(before);
  feed(*before, "s1");
  before->checkpoint();
  settle();
  // The live playlists name a segment the checkpoint never lists (within checkpoint_wait).
  EXPECT_FALSE(second_->join(stream_, tails("s1-9.m4s"), objects_));
  ASSERT_EQ(rows().size(), 1u);
  EXPECT_EQ(rows()[0].state, store::RecordingState::Failed);
  // Its objects stay, playable up to the checkpoint; a new recording starts.
  EXPECT_TRUE(objects_.get("recordings/" + before->recording_id() + "/source/index.m3u8").ok());
  auto next = second_->begin(stream_);
  EXPECT_TRUE(next);
  EXPECT_EQ(rows().size(), 2u);
}

TEST_F(RecordingServiceTest, TheOldNodeDoesNotFinishARecordingAnotherNodeClaimed) {
  auto before = first_->begin(stream_);
  ASSERT_TRUE(before);
  std::string last = feed(*before, "s1");
  before->checkpoint();
  settle();
  auto after = second_->join(stream_, tails(last), objects_);
  ASSERT_TRUE(after);
  before->finish();  // as if its window had ended without seeing the takeover
  settle();
  ASSERT_EQ(rows().size(), 1u);
  EXPECT_EQ(rows()[0].state, store::RecordingState::Recording);
  EXPECT_EQ(rows()[0].node_id, "node-2");
}

TEST_F(RecordingServiceTest, ANewSessionFailsARecordingReleasedAndNotTakenOver) {
  auto before = first_->begin(stream_);
  ASSERT_TRUE(before);
  feed(*before, "s1");
  before->checkpoint();
  before->abandon();
  settle();
  auto next = second_->begin(stream_);
  ASSERT_TRUE(next);
  auto all = rows();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].recording_id, before->recording_id());
  EXPECT_EQ(all[1].state, store::RecordingState::Failed);
  EXPECT_EQ(all[0].state, store::RecordingState::Recording);
}

// Deleting a stream removes its recordings, the one still being finished
// included: what its finishing stores afterwards (playlists, MP4) goes too.
TEST_F(RecordingServiceTest, ARecordingDeletedWhileItIsBeingFinishedLeavesNoObject) {
  auto rec = first_->begin(stream_);
  ASSERT_TRUE(rec);
  feed(*rec, "s1");
  settle();
  ASSERT_FALSE(objects_.keys().empty());
  ASSERT_TRUE(first_->remove_all_of(stream_.stream_id).ok());
  rec->finish();
  settle();
  EXPECT_TRUE(rows().empty());
  EXPECT_EQ(objects_.keys(), std::vector<std::string>{});
}

}  // namespace
}  // namespace antcdn::record
