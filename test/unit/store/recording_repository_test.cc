// The RecordingRepository contract, against SQLite always and PostgreSQL when a
// server is configured (store_backends.h).

#include <gtest/gtest.h>

#include "common/ids.h"
#include "store/repositories.h"
#include "unit/store/records.h"
#include "unit/store/store_backends.h"

namespace antcdn::store {
namespace {

constexpr int64_t kT = 1'700'000'000'000;
constexpr int64_t kDay = 86'400'000;

RecordingRecord make_recording(const std::string& stream_id, const std::string& node,
                               int64_t started_ms, int retention_days = 7) {
  return RecordingRecord{.recording_id = ids::new_recording_id(started_ms),
                         .stream_id = stream_id,
                         .edge_id = "lse_01h0000000000000000000000",
                         .owner_key_id = "key_a",
                         .node_id = node,
                         .started_at_ms = started_ms,
                         .retention_days = retention_days};
}

class RecordingRepositoryTest : public test::BackendTest {
 protected:
  RecordingRepository& recordings() { return store_->recordings(); }

  std::vector<std::string> event_types(const std::string& stream_id) {
    auto events = store_->webhooks().events_after(stream_id, 0, 100);
    EXPECT_TRUE(events.ok());
    std::vector<std::string> out;
    for (const auto& e : *events) {
      out.push_back(e.type);
    }
    return out;
  }
};

TEST_P(RecordingRepositoryTest, CreatedFinishedAndReadBack) {
  RecordingRecord r = make_recording("ls_a", "node-1", kT);
  ASSERT_TRUE(recordings().create_recording(r).ok());
  auto got = recordings().get_recording(r.recording_id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->state, RecordingState::Recording);
  EXPECT_EQ((*got)->stream_id, "ls_a");
  EXPECT_EQ((*got)->owner_key_id, "key_a");
  EXPECT_EQ((*got)->started_at_ms, kT);
  EXPECT_FALSE((*got)->ended_at_ms);
  EXPECT_FALSE((*got)->expires_at_ms);

  auto done = recordings().finish_recording(r.recording_id, {.state = RecordingState::Ready,
                                                             .ended_at_ms = kT + 60'000,
                                                             .duration_ms = 59'500,
                                                             .has_mp4 = true});
  ASSERT_TRUE(done.ok()) << done.error().describe();
  EXPECT_EQ(done->state, RecordingState::Ready);
  EXPECT_EQ(done->ended_at_ms, kT + 60'000);
  EXPECT_EQ(done->duration_ms, 59'500);
  EXPECT_TRUE(done->has_mp4);
  EXPECT_EQ(done->expires_at_ms, kT + 60'000 + 7 * kDay);
  EXPECT_EQ(event_types("ls_a"), std::vector<std::string>{"recording.ready"});

  // Only an open recording can be finished.
  auto again = recordings().finish_recording(r.recording_id, {.ended_at_ms = kT});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Code::NotFound);
  auto missing = recordings().get_recording("rec_01h0000000000000000000000");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(RecordingRepositoryTest, ListsAStreamsRecordingsNewestFirstByPage) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    RecordingRecord r = make_recording(i == 2 ? "ls_other" : "ls_a", "n", kT + i);
    ASSERT_TRUE(recordings().create_recording(r).ok());
    if (i != 2) {
      ids.push_back(r.recording_id);
    }
  }
  auto first = recordings().list_recordings("ls_a", 3, std::nullopt);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ(first->at(0).recording_id, ids[3]);
  EXPECT_EQ(first->at(2).recording_id, ids[1]);
  auto rest = recordings().list_recordings("ls_a", 3, first->back().seq);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ(rest->at(0).recording_id, ids[0]);
}

TEST_P(RecordingRepositoryTest, ExpiredAreTheFinishedPastTheirRetention) {
  RecordingRecord week = make_recording("ls_a", "n", kT, 7);
  RecordingRecord day = make_recording("ls_a", "n", kT, 1);
  RecordingRecord open = make_recording("ls_a", "n", kT, 1);
  for (const auto& r : {week, day, open}) {
    ASSERT_TRUE(recordings().create_recording(r).ok());
  }
  for (const auto& r : {week, day}) {
    ASSERT_TRUE(recordings().finish_recording(r.recording_id, {.ended_at_ms = kT}).ok());
  }
  auto none = recordings().list_expired_recordings(kT + kDay - 1, 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto one = recordings().list_expired_recordings(kT + kDay, 10);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->at(0).recording_id, day.recording_id);
  // An open recording never expires: it has no end yet.
  auto both = recordings().list_expired_recordings(kT + 30 * kDay, 10);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->size(), 2u);
}

TEST_P(RecordingRepositoryTest, OpenRecordingsFailByNodeOrByStream) {
  RecordingRecord mine = make_recording("ls_a", "node-1", kT);
  RecordingRecord other_node = make_recording("ls_b", "node-2", kT);
  RecordingRecord other_stream = make_recording("ls_c", "node-2", kT);
  for (const auto& r : {mine, other_node, other_stream}) {
    ASSERT_TRUE(recordings().create_recording(r).ok());
  }
  auto failed = recordings().fail_open_recordings("node-1", "", kT + 5);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(*failed, 1);
  auto got = recordings().get_recording(mine.recording_id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->state, RecordingState::Failed);
  EXPECT_EQ((*got)->ended_at_ms, kT + 5);
  EXPECT_EQ((*got)->expires_at_ms, kT + 5 + 7 * kDay);

  failed = recordings().fail_open_recordings("", "ls_c", kT + 6);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(*failed, 1);
  got = recordings().get_recording(other_node.recording_id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->state, RecordingState::Recording);
  EXPECT_EQ(recordings().fail_open_recordings("", "", kT).error().code, Code::InvalidArgument);
}

TEST_P(RecordingRepositoryTest, ExactlyOneNodeClaimsARecordingAndOnlyItsOwnerFinishesIt) {
  RecordingRecord r = make_recording("ls_a", "node-1", kT);
  ASSERT_TRUE(recordings().create_recording(r).ok());
  // Two nodes take it from node-1 at once, each through a store of its own: one wins.
  auto other = backend_->open();
  ASSERT_TRUE(other.ok()) << other.error().describe();
  Status two = recordings().claim_recording(r.recording_id, "node-1", "node-2");
  Status three = (*other)->recordings().claim_recording(r.recording_id, "node-1", "node-3");
  ASSERT_TRUE(two.ok()) << two.error().describe();
  ASSERT_FALSE(three.ok());
  EXPECT_EQ(three.error().code, Code::Conflict);
  EXPECT_EQ((*recordings().get_recording(r.recording_id))->node_id, "node-2");

  // node-1, abandoned, can neither release nor finish nor discard it now.
  EXPECT_EQ(recordings().release_recording(r.recording_id, "node-1").error().code, Code::Conflict);
  auto late = recordings().finish_recording(
      r.recording_id, {.state = RecordingState::Ready, .ended_at_ms = kT, .node_id = "node-1"});
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, Code::NotFound);
  EXPECT_EQ(recordings().discard_recording(r.recording_id, "node-1").error().code, Code::NotFound);
  EXPECT_TRUE(event_types("ls_a").empty());

  // Released by node-2, it is anybody's to claim, once.
  ASSERT_TRUE(recordings().release_recording(r.recording_id, "node-2").ok());
  EXPECT_EQ((*recordings().get_recording(r.recording_id))->node_id, "");
  ASSERT_TRUE(recordings().claim_recording(r.recording_id, "node-2", "node-3").ok());
  EXPECT_EQ(recordings().claim_recording(r.recording_id, "", "node-4").error().code,
            Code::Conflict);
  auto done = recordings().finish_recording(
      r.recording_id, {.state = RecordingState::Ready, .ended_at_ms = kT + 1, .node_id = "node-3"});
  ASSERT_TRUE(done.ok()) << done.error().describe();
  EXPECT_EQ(done->node_id, "node-3");
  EXPECT_EQ(event_types("ls_a"), std::vector<std::string>{"recording.ready"});
  // A finished recording is nobody's to claim any more.
  EXPECT_EQ(recordings().claim_recording(r.recording_id, "node-3", "node-1").error().code,
            Code::Conflict);
}

TEST_P(RecordingRepositoryTest, OnlyItsOwnerDiscardsAnEmptyRecording) {
  RecordingRecord r = make_recording("ls_a", "node-1", kT);
  ASSERT_TRUE(recordings().create_recording(r).ok());
  EXPECT_EQ(recordings().discard_recording(r.recording_id, "node-2").error().code, Code::NotFound);
  ASSERT_TRUE(recordings().discard_recording(r.recording_id, "node-1").ok());
  EXPECT_FALSE(recordings().get_recording(r.recording_id)->has_value());
  EXPECT_TRUE(event_types("ls_a").empty());  // never announced
}

TEST_P(RecordingRepositoryTest, ANewSessionFailsTheStreamsReleasedRecordingsOnly) {
  RecordingRecord released = make_recording("ls_a", "node-1", kT);
  RecordingRecord owned = make_recording("ls_a", "node-2", kT);
  RecordingRecord elsewhere = make_recording("ls_b", "node-1", kT);
  for (const auto& r : {released, owned, elsewhere}) {
    ASSERT_TRUE(recordings().create_recording(r).ok());
  }
  ASSERT_TRUE(recordings().release_recording(released.recording_id, "node-1").ok());
  ASSERT_TRUE(recordings().release_recording(elsewhere.recording_id, "node-1").ok());
  auto failed = recordings().fail_released_recordings("ls_a", kT + 5);
  ASSERT_TRUE(failed.ok()) << failed.error().describe();
  EXPECT_EQ(*failed, 1);
  EXPECT_EQ((*recordings().get_recording(released.recording_id))->state, RecordingState::Failed);
  EXPECT_EQ((*recordings().get_recording(released.recording_id))->ended_at_ms, kT + 5);
  EXPECT_EQ((*recordings().get_recording(owned.recording_id))->state, RecordingState::Recording);
  EXPECT_EQ((*recordings().get_recording(elsewhere.recording_id))->state,
            RecordingState::Recording);
}

TEST_P(RecordingRepositoryTest, RemovedWithAnEvent) {
  RecordingRecord r = make_recording("ls_a", "n", kT);
  ASSERT_TRUE(recordings().create_recording(r).ok());
  ASSERT_TRUE(
      recordings()
          .finish_recording(r.recording_id, {.state = RecordingState::Failed, .ended_at_ms = kT})
          .ok());
  // A recording removed before it finished was never announced: no event.
  RecordingRecord never = make_recording("ls_a", "n", kT);
  ASSERT_TRUE(recordings().create_recording(never).ok());
  ASSERT_TRUE(recordings().remove_recording(never.recording_id).ok());
  ASSERT_TRUE(recordings().remove_recording(r.recording_id).ok());
  auto got = recordings().get_recording(r.recording_id);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  EXPECT_EQ(recordings().remove_recording(r.recording_id).error().code, Code::NotFound);
  EXPECT_EQ(event_types("ls_a"), std::vector<std::string>{"recording.deleted"});
}

TEST_P(RecordingRepositoryTest, EventsAreRenderedAndFanOutToSubscribedWebhooks) {
  recordings().set_event_renderer(
      [](const EventHeader& h, const RecordingRecord& r) { return h.type + ":" + r.recording_id; });
  WebhookRecord w{.webhook_id = ids::new_webhook_id(kT),
                  .owner_key_id = "key_a",
                  .url = "http://127.0.0.1:1/hook",
                  .events = {"recording.ready"},
                  .secret = "whsec_x",
                  .created_at_ms = kT};
  ASSERT_TRUE(store_->webhooks().create_webhook(w).ok());
  RecordingRecord r = make_recording("ls_a", "n", kT);
  ASSERT_TRUE(recordings().create_recording(r).ok());
  ASSERT_TRUE(recordings().finish_recording(r.recording_id, {.ended_at_ms = kT + 1}).ok());
  ASSERT_TRUE(recordings().remove_recording(r.recording_id).ok());
  auto jobs = store_->webhooks().claim_deliveries("n1", kT + 10, 30000, 10);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 1u);  // deleted is not subscribed
  EXPECT_EQ(jobs->at(0).type, "recording.ready");
  EXPECT_EQ(jobs->at(0).body, "recording.ready:" + r.recording_id);
}

TEST_P(RecordingRepositoryTest, StreamsKeepTheirRecordingSettings) {
  StreamRecord s = test::make_stream("key_a", "recorded");
  s.recording_enabled = false;
  s.recording_retention_days = 30;
  auto created = store_->create(s);
  ASSERT_TRUE(created.ok());
  auto got = store_->get(s.stream_id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_FALSE((*got)->recording_enabled);
  EXPECT_EQ((*got)->recording_retention_days, 30);
}

INSTANTIATE_TEST_SUITE_P(Backends, RecordingRepositoryTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace antcdn::store
