#include "thumbnail/thumbnail_service.h"

#include <functional>
#include <vector>

#include <gtest/gtest.h>

#include "metrics/registry.h"
#include "storage/memory_store.h"
#include "support/jpeg_probe.h"
#include "support/keyframe_clip.h"

namespace antcdn::thumbnail {
namespace {

// Reads answer at once, like cache hits.
struct InlineReader final : storage::ObjectReader {
  storage::MemoryStore store;
  int reads = 0;
  void get_async(const std::string& key, storage::GetCallback done) override {
    ++reads;
    done(store.get(key));
  }
  void get_range_async(const std::string& key, uint64_t offset, size_t length,
                       storage::RangeCallback done) override {
    done(store.get_range(key, offset, length));
  }
  void put(const std::string& key, std::string_view text) {
    ASSERT_TRUE(store.put(key, storage::make_object(to_bytes(text))).ok());
  }
  void put(const std::string& key, const Bytes& data) {
    ASSERT_TRUE(store.put(key, storage::make_object(data)).ok());
  }
};

constexpr std::string_view kMaster =
    "#EXTM3U\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=800000\n"
    "180p/index.m3u8\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=300000\n"
    "90p/index.m3u8\n";

constexpr std::string_view kMedia =
    "#EXTM3U\n"
    "#EXT-X-TARGETDURATION:2\n"
    "#EXT-X-MAP:URI=\"init-s1.mp4\"\n"
    "#EXTINF:2.000,\n"
    "s1-0.m4s\n"
    "#EXTINF:2.000,\n"
    "s1-1.m4s\n";

struct ServiceTest : ::testing::Test {
  void SetUp() override {
    const test::KeyframeClip& clip = shared_clip();
    ASSERT_FALSE(clip.segment.empty());
    reader.put("abc/master.m3u8", kMaster);
    reader.put("abc/180p/index.m3u8", kMedia);
    reader.put("abc/180p/init-s1.mp4", clip.init);
    reader.put("abc/180p/s1-1.m4s", clip.segment);
  }
  static const test::KeyframeClip& shared_clip() {
    static const test::KeyframeClip c = test::make_keyframe_clip(320, 180);
    return c;
  }
  // Renders wait here until the test runs them.
  std::vector<std::function<void()>> renders;
  InlineReader reader;
  ThumbnailService service{reader, ThumbnailOptions{.render_on = [this](std::function<void()> job) {
                             renders.push_back(std::move(job));
                           }}};

  void run_renders() {
    auto jobs = std::move(renders);
    renders.clear();
    for (auto& job : jobs) {
      job();
    }
  }
};

TEST_F(ServiceTest, RendersTheNewestSegmentOfTheTopVariant) {
  std::optional<Result<Jpeg>> got;
  service.render_async({"abc/master.m3u8", std::nullopt, 160},
                       [&](Result<Jpeg> r) { got = std::move(r); });
  EXPECT_FALSE(got.has_value());  // rendering is the pool's work
  ASSERT_EQ(renders.size(), 1u);
  run_renders();
  ASSERT_TRUE(got.has_value());
  ASSERT_TRUE(got->ok()) << got->error().describe();
  auto size = test::jpeg_size(***got);
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(*size, (PictureSize{160, 90}));
}

TEST_F(ServiceTest, ConcurrentAndRepeatedRequestsShareOneRender) {
  int answers = 0;
  auto count = [&](Result<Jpeg> r) { answers += r.ok() ? 1 : 0; };
  service.render_async({"abc/master.m3u8", std::nullopt, 0}, count);
  service.render_async({"abc/master.m3u8", std::nullopt, 0}, count);
  ASSERT_EQ(renders.size(), 1u);
  run_renders();
  EXPECT_EQ(answers, 2);
  int reads = reader.reads;
  service.render_async({"abc/master.m3u8", std::nullopt, 0}, count);  // cached
  EXPECT_EQ(answers, 3);
  EXPECT_EQ(reader.reads, reads);
  EXPECT_TRUE(renders.empty());
  service.render_async({"abc/master.m3u8", std::nullopt, 160}, count);  // another width
  EXPECT_EQ(renders.size(), 1u);
}

TEST_F(ServiceTest, RecordingTimePicksItsSegment) {
  // Only s1-1 exists: a time in s1-0 must ask for s1-0 and find nothing.
  std::optional<Result<Jpeg>> early;
  service.render_async({"abc/master.m3u8", 1.0, 0}, [&](Result<Jpeg> r) { early = std::move(r); });
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ(early->error().code, Code::NotFound);
  std::optional<Result<Jpeg>> late;
  service.render_async({"abc/master.m3u8", 3.0, 0}, [&](Result<Jpeg> r) { late = std::move(r); });
  run_renders();
  ASSERT_TRUE(late.has_value());
  EXPECT_TRUE(late->ok());
}

TEST_F(ServiceTest, MissingObjectsAreNotFound) {
  std::optional<Result<Jpeg>> unknown;
  service.render_async({"nope/master.m3u8", std::nullopt, 0},
                       [&](Result<Jpeg> r) { unknown = std::move(r); });
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->error().code, Code::NotFound);
  reader.put("empty/master.m3u8", kMaster);
  reader.put("empty/180p/index.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n");
  std::optional<Result<Jpeg>> got;
  service.render_async({"empty/master.m3u8", std::nullopt, 0},
                       [&](Result<Jpeg> r) { got = std::move(r); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->error().code, Code::NotFound);
  EXPECT_TRUE(renders.empty());
}

TEST_F(ServiceTest, MetricsCountRendersAndTheirCpu) {
  metrics::Registry registry;
  ThumbnailMetrics m(registry);
  ThumbnailService measured(reader, ThumbnailOptions{.metrics = &m});
  int ok = 0;
  measured.render_async({"abc/master.m3u8", std::nullopt, 160},
                        [&](Result<Jpeg> r) { ok += r.ok() ? 1 : 0; });
  reader.put("abc/180p/s1-1.m4s", "not a segment");
  measured.render_async({"abc/master.m3u8", std::nullopt, 320}, [](Result<Jpeg>) {});
  EXPECT_EQ(ok, 1);
  metrics::HistogramValue cpu = m.render_cpu_seconds.value();
  uint64_t renders = 0;
  for (uint64_t c : cpu.counts) {
    renders += c;
  }
  EXPECT_EQ(renders, 2u);
  EXPECT_GT(cpu.sum, 0.0);
  EXPECT_EQ(m.failed_renders.value(), 1u);
}

TEST_F(ServiceTest, APlaylistCannotPointOutsideItsPrefix) {
  reader.put("evil/master.m3u8",
             "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n../abc/180p/index.m3u8\n");
  std::optional<Result<Jpeg>> got;
  service.render_async({"evil/master.m3u8", std::nullopt, 0},
                       [&](Result<Jpeg> r) { got = std::move(r); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->error().code, Code::InvalidArgument);
}

}  // namespace
}  // namespace antcdn::thumbnail
