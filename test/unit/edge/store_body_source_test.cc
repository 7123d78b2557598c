#include "edge/store_body_source.h"

#include <deque>
#include <functional>
#include <optional>

#include <gtest/gtest.h>

#include "storage/cached_store.h"
#include "storage/memory_store.h"

namespace antcdn::edge {
namespace {

// Reads queue on a "storage thread" the test runs by hand.
class StoreBodySourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(memory_.put("rec/download.mp4", storage::make_object(to_bytes("0123456789"))).ok());
  }
  // Asks the next piece, runs the queued read, returns what came.
  std::string next_piece(net::BodySource& source) {
    std::optional<Result<Bytes>> piece;
    source.next([&](Result<Bytes> p) { piece = std::move(p); });
    EXPECT_FALSE(piece) << "answered only from the storage thread";
    EXPECT_EQ(jobs_.size(), 1u);
    run_jobs();
    if (!piece) {
      return "<no answer>";
    }
    return piece->ok() ? std::string(as_chars(**piece)) : "<" + piece->error().describe() + ">";
  }
  void run_jobs() {
    while (!jobs_.empty()) {
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      job();
    }
  }

  storage::MemoryStore memory_;
  std::deque<std::function<void()>> jobs_;
  storage::CachedStore objects_{
      memory_, storage::CacheOptions{.max_bytes = 1 << 20,
                                     .background = [this](auto job) { jobs_.push_back(job); }}};
};

TEST_F(StoreBodySourceTest, ReadsTheRangeInPiecesOfAtMostTheSizeAsked) {
  auto source = std::make_shared<StoreBodySource>(objects_, "rec/download.mp4", 1, 8, 3);
  EXPECT_EQ(source->length(), 8u);
  EXPECT_EQ(next_piece(*source), "123");
  EXPECT_EQ(next_piece(*source), "456");
  EXPECT_EQ(next_piece(*source), "78");
  EXPECT_EQ(objects_.stats().entries, 0u);
}

TEST_F(StoreBodySourceTest, AnObjectThatShrankOrVanishedFailsThePiece) {
  auto source = std::make_shared<StoreBodySource>(objects_, "rec/download.mp4", 0, 10, 6);
  EXPECT_EQ(next_piece(*source), "012345");
  ASSERT_TRUE(memory_.put("rec/download.mp4", storage::make_object(to_bytes("01234567"))).ok());
  EXPECT_NE(next_piece(*source).find("changed while it was sent"), std::string::npos);
  auto gone = std::make_shared<StoreBodySource>(objects_, "rec/none.mp4", 0, 10, 6);
  EXPECT_NE(next_piece(*gone).find("no object"), std::string::npos);
}

TEST_F(StoreBodySourceTest, ThePieceOutlivesAClientThatLeft) {
  auto source = std::make_shared<StoreBodySource>(objects_, "rec/download.mp4", 0, 4, 4);
  std::optional<Result<Bytes>> piece;
  source->next([&](Result<Bytes> p) { piece = std::move(p); });
  source.reset();  // the connection is gone; the read is still queued
  run_jobs();
  ASSERT_TRUE(piece && piece->ok());
  EXPECT_EQ(as_chars(**piece), "0123");
}

}  // namespace
}  // namespace antcdn::edge
