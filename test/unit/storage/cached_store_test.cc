#include "storage/cached_store.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "storage/memory_store.h"
#include "support/temp_dir.h"

namespace antcdn::storage {
namespace {

// Lets a test stop reads inside the inner store at a chosen moment.
class Gate {
 public:
  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      held_ = false;
    }
    cv_.notify_all();
  }
  void wait_until_entered(int n = 1) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return entered_ >= n; });
  }
  void pass() {
    std::unique_lock lock(mutex_);
    ++entered_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !held_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool held_ = false;
  int entered_ = 0;
};

// Counts what reaches the inner store, and can fail on demand.
class CountingStore final : public ObjectStore {
 public:
  Status put(const std::string& key, const ObjectPtr& object) override {
    ++puts;
    if (key.starts_with("slow/")) {
      put_gate.pass();
    }
    if (fail_puts) {
      return make_error(Code::Unavailable, "disk full");
    }
    return inner.put(key, object);
  }
  Result<ObjectPtr> get(const std::string& key) override {
    ++gets;
    auto result = inner.get(key);
    gate.pass();
    return result;
  }
  Status remove(const std::string& key) override { return inner.remove(key); }
  Status remove_prefix(const std::string& prefix) override {
    removal_gate.pass();
    return inner.remove_prefix(prefix);
  }

  MemoryStore inner;
  std::atomic<int> puts{0};
  std::atomic<int> gets{0};
  bool fail_puts = false;
  Gate gate;
  Gate removal_gate;  // holds remove_prefix, like a slow bucket listing
  Gate put_gate;      // holds puts under "slow/", like a hung upload
};

std::string text(const Result<ObjectPtr>& r) {
  return r.ok() ? std::string(as_chars((*r)->data)) : "<" + r.error().describe() + ">";
}

class CachedStoreTest : public ::testing::Test {
 protected:
  Status put(CachedStore& c, const std::string& key, std::string_view value) {
    return c.put(key, make_object(to_bytes(value), PutOptions{"text/plain", "max-age=1"}));
  }
  CountingStore inner_;
};

TEST_F(CachedStoreTest, PutIsWrittenThroughAndServedFromMemory) {
  CachedStore cache(inner_, 1024);
  ASSERT_TRUE(put(cache, "a/index.m3u8", "v1").ok());
  EXPECT_EQ(text(inner_.inner.get("a/index.m3u8")), "v1");
  EXPECT_EQ(text(cache.get("a/index.m3u8")), "v1");
  EXPECT_EQ(inner_.gets, 0);
  EXPECT_EQ(cache.stats().hits, 1u);
  EXPECT_EQ(cache.stats().misses, 0u);
  auto r = cache.get("a/index.m3u8");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->options.content_type, "text/plain");
}

// The writer's object is what the inner store and every reader get: one
// buffer from packager to edge response, never a copy.
TEST_F(CachedStoreTest, PutSharesTheWritersObject) {
  CachedStore cache(inner_, 1024);
  ObjectPtr segment = make_object(to_bytes("segment"), PutOptions{"video/iso.segment", ""});
  ASSERT_TRUE(cache.put("a/s-1.m4s", segment).ok());
  auto cached = cache.get("a/s-1.m4s");
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ(cached->get(), segment.get());
  auto stored = inner_.inner.get("a/s-1.m4s");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->get(), segment.get());
}

TEST_F(CachedStoreTest, ANullObjectIsRefused) {
  CachedStore cache(inner_, 1024);
  EXPECT_EQ(cache.put("a/s-1.m4s", nullptr).error().code, Code::InvalidArgument);
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST_F(CachedStoreTest, RewriteInPlaceUpdatesTheCachedCopy) {
  CachedStore cache(inner_, 1024);
  ASSERT_TRUE(put(cache, "a/index.m3u8", "v1").ok());
  ASSERT_TRUE(cache.get("a/index.m3u8").ok());
  ASSERT_TRUE(put(cache, "a/index.m3u8", "version 2").ok());
  EXPECT_EQ(text(cache.get("a/index.m3u8")), "version 2");
  EXPECT_EQ(cache.stats().bytes, 9u);
  EXPECT_EQ(cache.stats().entries, 1u);
}

TEST_F(CachedStoreTest, MissReadsThroughOnceThenHits) {
  ASSERT_TRUE(inner_.inner.put("a/s-1.m4s", make_object(to_bytes("seg"))).ok());
  CachedStore cache(inner_, 1024);
  EXPECT_EQ(text(cache.get("a/s-1.m4s")), "seg");
  EXPECT_EQ(text(cache.get("a/s-1.m4s")), "seg");
  EXPECT_EQ(inner_.gets, 1);
  EXPECT_EQ(cache.stats().misses, 1u);
  EXPECT_EQ(cache.stats().hits, 1u);
}

TEST_F(CachedStoreTest, MissingObjectsAreNotCached) {
  CachedStore cache(inner_, 1024);
  EXPECT_EQ(cache.get("a/s-1.m4s").error().code, Code::NotFound);
  ASSERT_TRUE(inner_.inner.put("a/s-1.m4s", make_object(to_bytes("late"))).ok());
  EXPECT_EQ(text(cache.get("a/s-1.m4s")), "late");
}

TEST_F(CachedStoreTest, EvictsLeastRecentlyUsedByBytes) {
  CachedStore cache(inner_, 10);
  ASSERT_TRUE(put(cache, "a", "1234").ok());
  ASSERT_TRUE(put(cache, "b", "1234").ok());
  ASSERT_TRUE(cache.get("a").ok());           // a is now the most recent
  ASSERT_TRUE(put(cache, "c", "1234").ok());  // 12 > 10: b goes
  EXPECT_EQ(cache.stats().bytes, 8u);
  EXPECT_EQ(cache.stats().entries, 2u);
  inner_.gets = 0;
  ASSERT_TRUE(cache.get("a").ok());
  ASSERT_TRUE(cache.get("c").ok());
  EXPECT_EQ(inner_.gets, 0);
  EXPECT_EQ(text(cache.get("b")), "1234");  // still in the inner store
  EXPECT_EQ(inner_.gets, 1);
}

TEST_F(CachedStoreTest, ObjectsLargerThanTheBudgetPassThrough) {
  CachedStore cache(inner_, 4);
  ASSERT_TRUE(put(cache, "small", "1234").ok());
  ASSERT_TRUE(put(cache, "big", "12345").ok());
  EXPECT_EQ(cache.stats().entries, 1u);
  EXPECT_EQ(text(cache.get("big")), "12345");
  EXPECT_EQ(cache.stats().entries, 1u) << "the small one must not be evicted for it";
}

TEST_F(CachedStoreTest, RemoveAndRemovePrefixEvict) {
  CachedStore cache(inner_, 1024);
  ASSERT_TRUE(put(cache, "a/master.m3u8", "m").ok());
  ASSERT_TRUE(put(cache, "a/720p/index.m3u8", "i").ok());
  ASSERT_TRUE(put(cache, "ab/master.m3u8", "other").ok());
  ASSERT_TRUE(cache.remove("a/master.m3u8").ok());
  EXPECT_EQ(cache.get("a/master.m3u8").error().code, Code::NotFound);
  ASSERT_TRUE(cache.remove_prefix("a/").ok());
  EXPECT_EQ(cache.get("a/720p/index.m3u8").error().code, Code::NotFound);
  EXPECT_EQ(text(cache.get("ab/master.m3u8")), "other");
  EXPECT_EQ(cache.stats().entries, 1u);
  EXPECT_EQ(cache.remove_prefix("").error().code, Code::InvalidArgument);
  EXPECT_EQ(cache.stats().entries, 1u);
}

TEST_F(CachedStoreTest, FailedPutForgetsTheOldCopy) {
  CachedStore cache(inner_, 1024);
  ASSERT_TRUE(put(cache, "k", "old").ok());
  inner_.fail_puts = true;
  EXPECT_EQ(put(cache, "k", "new").error().code, Code::Unavailable);
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(text(cache.get("k")), "old") << "whatever the inner store holds";
}

TEST_F(CachedStoreTest, InvalidKeysAreRejectedByTheInnerStore) {
  CachedStore cache(inner_, 1024);
  EXPECT_EQ(put(cache, "../x", "x").error().code, Code::InvalidArgument);
  EXPECT_EQ(cache.get("../x").error().code, Code::InvalidArgument);
  EXPECT_EQ(cache.stats().entries, 0u);
}

// A read that missed and a write of the same key race: the read fetched the
// old version, the put lands, then the read completes. The old version must not
// be cached over the new one (or over a removal), or it would be served forever.
TEST_F(CachedStoreTest, AFillThatRacedAPutIsNotCached) {
  ASSERT_TRUE(inner_.inner.put("k", make_object(to_bytes("old"))).ok());
  CachedStore cache(inner_, 1024);
  inner_.gate.hold();
  std::thread reader([&] { EXPECT_EQ(text(cache.get("k")), "old"); });
  inner_.gate.wait_until_entered();  // the reader has fetched "old"
  ASSERT_TRUE(put(cache, "k", "new").ok());
  inner_.gate.release();
  reader.join();
  EXPECT_EQ(text(cache.get("k")), "new");
  EXPECT_EQ(inner_.gets, 1);
}

TEST_F(CachedStoreTest, AFillThatRacedARemoveIsNotCached) {
  ASSERT_TRUE(inner_.inner.put("a/k", make_object(to_bytes("old"))).ok());
  ASSERT_TRUE(inner_.inner.put("b/k", make_object(to_bytes("old"))).ok());
  CachedStore cache(inner_, 1024);
  inner_.gate.hold();
  std::thread reader_a([&] { EXPECT_EQ(text(cache.get("a/k")), "old"); });
  inner_.gate.wait_until_entered(1);
  std::thread reader_b([&] { EXPECT_EQ(text(cache.get("b/k")), "old"); });
  inner_.gate.wait_until_entered(2);
  ASSERT_TRUE(cache.remove("a/k").ok());
  ASSERT_TRUE(cache.remove_prefix("b/").ok());
  inner_.gate.release();
  reader_a.join();
  reader_b.join();
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.get("a/k").error().code, Code::NotFound);
  EXPECT_EQ(cache.get("b/k").error().code, Code::NotFound);
}

// A thousand viewers asking for a new segment at once must cost one origin read.
TEST_F(CachedStoreTest, ConcurrentMissesOfOneKeyShareOneRead) {
  ASSERT_TRUE(inner_.inner.put("a/s-9.m4s", make_object(to_bytes("seg"))).ok());
  CachedStore cache(inner_, 1024);
  inner_.gate.hold();
  std::vector<std::thread> readers;
  readers.emplace_back([&] { EXPECT_EQ(text(cache.get("a/s-9.m4s")), "seg"); });
  inner_.gate.wait_until_entered();
  for (int i = 0; i < 8; ++i) {
    readers.emplace_back([&] { EXPECT_EQ(text(cache.get("a/s-9.m4s")), "seg"); });
  }
  while (cache.stats().coalesced < 8) {
    std::this_thread::yield();  // the waiters register before they block
  }
  inner_.gate.release();
  for (auto& r : readers) {
    r.join();
  }
  EXPECT_EQ(inner_.gets, 1);
  EXPECT_EQ(cache.stats().misses, 1u);
}

class FakeClock {
 public:
  std::chrono::steady_clock::time_point now() const { return t_; }
  void advance(std::chrono::milliseconds d) { t_ += d; }

 private:
  std::chrono::steady_clock::time_point t_{std::chrono::seconds(1000)};
};

CacheOptions edge_options(FakeClock& clock, size_t max_bytes = 1024) {
  CacheOptions o;
  o.max_bytes = max_bytes;
  o.ttl_for = [](std::string_view key) -> std::optional<std::chrono::milliseconds> {
    if (key.ends_with(".m3u8")) {
      return std::chrono::milliseconds(1000);
    }
    return std::nullopt;
  };
  o.negative_ttl = std::chrono::milliseconds(500);
  o.now = [&clock] { return clock.now(); };
  return o;
}

// An edge that reads what another node writes: playlists change behind its
// back, so they are re-read once their TTL is over; segments never change.
TEST_F(CachedStoreTest, PlaylistsExpireSegmentsStay) {
  FakeClock clock;
  CachedStore cache(inner_, edge_options(clock));
  ASSERT_TRUE(inner_.inner.put("a/index.m3u8", make_object(to_bytes("v1"))).ok());
  ASSERT_TRUE(inner_.inner.put("a/s-1.m4s", make_object(to_bytes("seg"))).ok());
  EXPECT_EQ(text(cache.get("a/index.m3u8")), "v1");
  EXPECT_EQ(text(cache.get("a/s-1.m4s")), "seg");
  ASSERT_TRUE(inner_.inner.put("a/index.m3u8", make_object(to_bytes("v2"))).ok());
  clock.advance(std::chrono::milliseconds(999));
  EXPECT_EQ(text(cache.get("a/index.m3u8")), "v1");
  clock.advance(std::chrono::milliseconds(1));
  EXPECT_EQ(text(cache.get("a/index.m3u8")), "v2");
  clock.advance(std::chrono::hours(1));
  EXPECT_EQ(text(cache.get("a/s-1.m4s")), "seg");
  EXPECT_EQ(inner_.gets, 3);
}

// A node that both writes and serves playlists gives them a TTL too, since
// another node may write them (a session taken over): its own write still in
// flight is served as published until it lands, never replaced by the older
// copy the inner store still holds; after that the TTL applies again.
TEST_F(CachedStoreTest, APublishedPlaylistOutlivesItsTtlUntilItsPutLands) {
  FakeClock clock;
  CachedStore cache(inner_, edge_options(clock));
  ASSERT_TRUE(put(cache, "a/index.m3u8", "v1").ok());
  auto v2 = make_object(to_bytes("v2"));
  cache.publish("a/index.m3u8", v2);
  clock.advance(std::chrono::seconds(5));
  EXPECT_EQ(text(cache.get("a/index.m3u8")), "v2") << "not the inner store's v1";
  EXPECT_EQ(inner_.gets, 0);
  ASSERT_TRUE(cache.put("a/index.m3u8", v2).ok());
  ASSERT_TRUE(inner_.inner.put("a/index.m3u8", make_object(to_bytes("v3, another node's"))).ok());
  clock.advance(std::chrono::milliseconds(999));
  EXPECT_EQ(text(cache.get("a/index.m3u8")), "v2");
  clock.advance(std::chrono::milliseconds(1));
  EXPECT_EQ(text(cache.get("a/index.m3u8")), "v3, another node's");
  EXPECT_EQ(inner_.gets, 1);
}

// A published object whose put was dropped is forgotten (the inner store's
// copy is read again), unless a newer one of the key replaced it.
TEST_F(CachedStoreTest, AnUnpublishedObjectIsForgotten) {
  FakeClock clock;
  CachedStore cache(inner_, edge_options(clock));
  ASSERT_TRUE(put(cache, "a/index.m3u8", "v1").ok());
  auto v2 = make_object(to_bytes("v2"));
  auto v3 = make_object(to_bytes("v3"));
  cache.publish("a/index.m3u8", v2);
  cache.publish("a/index.m3u8", v3);
  cache.unpublish("a/index.m3u8", v2);
  EXPECT_EQ(text(cache.get("a/index.m3u8")), "v3") << "a newer one stays";
  cache.unpublish("a/index.m3u8", v3);
  EXPECT_EQ(text(cache.get("a/index.m3u8")), "v1");
  EXPECT_EQ(inner_.gets, 1);
}

TEST_F(CachedStoreTest, MissesAreRememberedBrieflyAndBounded) {
  FakeClock clock;
  CachedStore cache(inner_, edge_options(clock, 2048));
  EXPECT_EQ(cache.get("a/index.m3u8").error().code, Code::NotFound);
  ASSERT_TRUE(inner_.inner.put("a/index.m3u8", make_object(to_bytes("v1"))).ok());
  EXPECT_EQ(cache.get("a/index.m3u8").error().code, Code::NotFound);
  EXPECT_EQ(inner_.gets, 1);
  clock.advance(std::chrono::milliseconds(500));
  EXPECT_EQ(text(cache.get("a/index.m3u8")), "v1");
  // Polling ever new names cannot grow the cache past its budget.
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(cache.get("missing/" + std::to_string(i) + ".m3u8").ok());
  }
  EXPECT_LE(cache.stats().bytes, 2048u);
  EXPECT_LT(cache.stats().entries, 100u);
}

TEST_F(CachedStoreTest, ConcurrentUseIsSafe) {
  CachedStore cache(inner_, 64);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string key = "s" + std::to_string(t) + "/" + std::to_string(i % 10);
        ASSERT_TRUE(put(cache, key, std::string(i % 16, 'x')).ok());
        auto got = cache.get(key);
        ASSERT_TRUE(got.ok());
        EXPECT_EQ((*got)->data.size(), static_cast<size_t>(i % 16));
        if (i % 100 == 0) {
          ASSERT_TRUE(cache.remove_prefix("s" + std::to_string(t) + "/").ok());
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_LE(cache.stats().bytes, 64u);
}

// Deleting one stream (a bucket listing that may take seconds) holds no other
// stream's writes, and what it deleted is not served from memory afterwards.
TEST_F(CachedStoreTest, RemovePrefixHoldsNoOtherWrites) {
  CachedStore cache(inner_, 1 << 20);
  ASSERT_TRUE(put(cache, "a/old", "o").ok());
  inner_.removal_gate.hold();
  std::thread removal([&] { EXPECT_TRUE(cache.remove_prefix("a/").ok()); });
  inner_.removal_gate.wait_until_entered();
  auto other = std::async(std::launch::async, [&] { return put(cache, "b/x", "y"); });
  auto under = std::async(std::launch::async, [&] { return put(cache, "a/new", "n"); });
  bool done = other.wait_for(std::chrono::seconds(30)) == std::future_status::ready &&
              under.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  inner_.removal_gate.release();  // unblocks an old build's puts too, so the test ends
  removal.join();
  EXPECT_TRUE(done) << "puts waited for another stream's remove_prefix";
  EXPECT_TRUE(other.get().ok());
  EXPECT_TRUE(under.get().ok());
  EXPECT_EQ(text(cache.get("b/x")), "y");
  EXPECT_EQ(cache.get("a/old").error().code, Code::NotFound);
  // a/new reached the inner store before the removal listed it: gone from both.
  EXPECT_EQ(cache.get("a/new").error().code, Code::NotFound);
  EXPECT_EQ(inner_.inner.get("a/new").error().code, Code::NotFound);
}

// A put that hangs in the inner store holds up later writes of its own key
// only: sixty-four other keys (other streams) are written meanwhile.
TEST_F(CachedStoreTest, AHungPutHoldsNoOtherKeysWrites) {
  CachedStore cache(inner_, 1 << 20);
  inner_.put_gate.hold();
  std::thread hung([&] { EXPECT_TRUE(put(cache, "slow/1.m4s", "s").ok()); });
  inner_.put_gate.wait_until_entered();
  auto others = std::async(std::launch::async, [&] {
    for (int i = 0; i < 64; ++i) {
      if (!put(cache, "s" + std::to_string(i) + "/1.m4s", "x").ok()) {
        return false;
      }
    }
    return true;
  });
  bool done = others.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  inner_.put_gate.release();
  hung.join();
  EXPECT_TRUE(done) << "a write of another key waited for the hung put";
  EXPECT_TRUE(others.get());
  EXPECT_EQ(text(cache.get("slow/1.m4s")), "s");
  EXPECT_EQ(text(cache.get("s63/1.m4s")), "x");
}

}  // namespace
}  // namespace antcdn::storage

namespace antcdn::storage {
namespace {

// A download reads ranges on the background pool and the cache keeps none of them.
TEST_F(CachedStoreTest, RangesPassThroughOnTheBackgroundUncached) {
  std::vector<std::function<void()>> jobs;
  CachedStore cache(inner_, CacheOptions{.max_bytes = 1024, .background = [&](auto job) {
                                           jobs.push_back(std::move(job));
                                         }});
  ASSERT_TRUE(inner_.inner.put("rec/download.mp4", make_object(to_bytes("0123456789"))).ok());
  std::optional<Result<ObjectRange>> got;
  cache.get_range_async("rec/download.mp4", 3, 4,
                        [&](Result<ObjectRange> r) { got = std::move(r); });
  EXPECT_FALSE(got) << "read on the background, not on the caller's thread";
  ASSERT_EQ(jobs.size(), 1u);
  jobs.front()();
  ASSERT_TRUE(got && got->ok());
  EXPECT_EQ(as_chars((*got)->data), "3456");
  EXPECT_EQ((*got)->total_size, 10u);
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.stats().bytes, 0u);
}

TEST_F(CachedStoreTest, PutFileWritesThroughAndEvictsTheOldCopy) {
  CachedStore cache(inner_, 1024);
  ASSERT_TRUE(put(cache, "rec/download.mp4", "old").ok());
  EXPECT_EQ(text(cache.get("rec/download.mp4")), "old");
  test::TempDir dir;
  const auto file = dir.path() / "staged.mp4";
  std::ofstream(file, std::ios::binary) << "new bytes";
  ASSERT_TRUE(cache.put_file("rec/download.mp4", file, PutOptions{"video/mp4", ""}).ok());
  EXPECT_EQ(cache.stats().entries, 0u) << "the file's bytes are never cached by put_file";
  EXPECT_EQ(text(cache.get("rec/download.mp4")), "new bytes");
}

}  // namespace
}  // namespace antcdn::storage
