#include "record/retention.h"

#include <gtest/gtest.h>

#include "common/ids.h"
#include "net/blocking_pool.h"
#include "storage/memory_store.h"
#include "storage/write_queue.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace antcdn::record {
namespace {

constexpr int64_t kT = 1'700'000'000'000;
constexpr int64_t kDay = 86'400'000;

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::sqlite::SqliteStore::open(dir_.file("antcdn.db"));
    ASSERT_TRUE(s.ok()) << s.error().describe();
    store_ = std::move(*s);
    service_ = std::make_unique<RecordingService>(store_->recordings(), objects_, writes_, pool_,
                                                  RecordingServiceOptions{});
  }

  // A finished recording of `days` retention with two objects.
  std::string add(int days) {
    std::string id = ids::new_recording_id(kT);
    store::RecordingRecord r{.recording_id = id,
                             .stream_id = "ls_a",
                             .edge_id = "lse_a",
                             .owner_key_id = "key_a",
                             .node_id = "n",
                             .started_at_ms = kT,
                             .retention_days = days};
    EXPECT_TRUE(store_->recordings().create_recording(r).ok());
    EXPECT_TRUE(store_->recordings().finish_recording(id, {.ended_at_ms = kT}).ok());
    for (std::string f : {"master.m3u8", "720p/a-0.m4s"}) {
      EXPECT_TRUE(objects_.put("recordings/" + id + "/" + f, storage::make_object({})).ok());
    }
    return id;
  }

  test::TempDir dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  storage::MemoryStore objects_;
  storage::WriteQueue writes_{objects_, {}};
  net::BlockingPool pool_{"test-recordings", 1};
  std::unique_ptr<RecordingService> service_;
};

TEST_F(RetentionTest, DeletesExpiredRecordingsObjectsAndRowsInBatches) {
  std::vector<std::string> short_lived;
  for (int i = 0; i < 5; ++i) {
    short_lived.push_back(add(1));
  }
  std::string kept = add(7);
  RetentionJob job(store_->recordings(), *service_, {.batch = 2});
  EXPECT_EQ(job.run_once(kT + kDay - 1), 0);
  EXPECT_EQ(job.run_once(kT + kDay), 5);
  for (const auto& id : short_lived) {
    auto row = store_->recordings().get_recording(id);
    ASSERT_TRUE(row.ok());
    EXPECT_FALSE(row->has_value());
  }
  EXPECT_EQ(objects_.keys(), (std::vector<std::string>{"recordings/" + kept + "/720p/a-0.m4s",
                                                       "recordings/" + kept + "/master.m3u8"}));
  EXPECT_EQ(job.run_once(kT + 7 * kDay), 1);
  EXPECT_EQ(objects_.size(), 0u);
}

}  // namespace
}  // namespace antcdn::record
