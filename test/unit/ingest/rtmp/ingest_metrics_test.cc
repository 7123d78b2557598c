#include "ingest/rtmp/ingest_metrics.h"

#include <gtest/gtest.h>

namespace antcdn::ingest::rtmp {
namespace {

TEST(IngestMetrics, PerStreamSeriesOnlyWhenAskedFor) {
  metrics::Registry registry;
  IngestMetrics off(registry);
  EXPECT_FALSE(off.for_stream("ls_x").has_value());

  metrics::Registry with_streams;
  IngestMetrics on(with_streams, true);
  auto counters = on.for_stream("ls_x");
  ASSERT_TRUE(counters.has_value());
  counters->bytes->inc(100);
  counters->video_frames->inc();
  std::string text = with_streams.render();
  EXPECT_NE(text.find("antcdn_stream_ingest_bytes_total{stream=\"ls_x\"} 100\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("antcdn_stream_ingest_frames_total{stream=\"ls_x\",kind=\"video\"} 1\n"),
            std::string::npos)
      << text;
  counters.reset();
  EXPECT_EQ(with_streams.render().find("ls_x"), std::string::npos)
      << "the series end with the publish";
}

}  // namespace
}  // namespace antcdn::ingest::rtmp
