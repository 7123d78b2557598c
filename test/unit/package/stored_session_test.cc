#include "package/stored_session.h"

#include <gtest/gtest.h>

#include "format/hls/master_playlist.h"
#include "storage/memory_store.h"

namespace antcdn::package {
namespace {

using media::MediaKind;

format::hls::VariantStream variant(const std::string& name, int64_t bandwidth) {
  return format::hls::VariantStream{
      .uri = name + "/index.m3u8", .bandwidth = bandwidth, .audio_group = "audio"};
}

// A master as the packager writes it: variants by bandwidth, which need not
// follow height.
std::string master(const std::vector<format::hls::VariantStream>& variants, bool audio = true) {
  format::hls::MasterPlaylist m;
  if (audio) {
    m.audio.push_back({.group_id = "audio", .name = "Audio", .uri = "audio/index.m3u8"});
  }
  m.variants = variants;
  for (auto& v : m.variants) {
    v.audio_group = audio ? "audio" : "";
  }
  return *format::hls::write_master_playlist(m);
}

std::vector<std::string> names(const std::vector<RenditionRef>& refs) {
  std::vector<std::string> out;
  for (const auto& r : refs) {
    out.push_back(r.name + (r.kind == MediaKind::Audio ? ":a" : ":v"));
  }
  return out;
}

TEST(StoredSession, MasterRenditionsComeInTheOrderThePackagerMatchesThem) {
  auto refs = parse_stored_master(
      master({variant("480p", 900000), variant("720p", 800000), variant("360p", 1000000)}));
  ASSERT_TRUE(refs.ok()) << refs.error().describe();
  EXPECT_EQ(names(*refs), (std::vector<std::string>{"720p:v", "480p:v", "360p:v", "audio:a"}));

  auto source = parse_stored_master(master({variant("source", 1)}));
  ASSERT_TRUE(source.ok()) << source.error().describe();
  EXPECT_EQ(names(*source), (std::vector<std::string>{"source:v", "audio:a"}));

  auto video_only = parse_stored_master(master({variant("1080p", 5), variant("238p", 9)}, false));
  ASSERT_TRUE(video_only.ok()) << video_only.error().describe();
  EXPECT_EQ(names(*video_only), (std::vector<std::string>{"1080p:v", "238p:v"}));
}

TEST(StoredSession, MasterItDidNotWriteIsAnError) {
  std::string good = master({variant("720p", 2), variant("480p", 1)});
  for (const std::string& bad : {
           std::string(),
           std::string("#EXTM3U\n"),                            // no variants
           good.substr(0, good.size() - 1),                     // no last line break
           good.substr(0, good.rfind("480p")),                  // a variant without its URI
           master({variant("source", 2), variant("720p", 1)}),  // passthrough and ladder
           master({variant("720p", 2), variant("720p", 1)}),    //
           master({variant("hd", 1)}),                          //
           master({variant("0p", 1)}),                          //
           master({format::hls::VariantStream{.uri = "720p/other.m3u8", .bandwidth = 1}}),
           std::string("#EXTM3U\n720p/index.m3u8\n"),  // no EXT-X-STREAM-INF
           std::string("#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",URI=\"aac/"
                       "index.m3u8\"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nsource/index.m3u8\n"),
           std::string("#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\"\n"
                       "#EXT-X-STREAM-INF:BANDWIDTH=1\nsource/index.m3u8\n"),
       }) {
    auto r = parse_stored_master(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, Code::InvalidArgument) << bad;
  }
}

class StoredSessionLoad : public ::testing::Test {
 protected:
  void put(const std::string& key, const std::string& text) {
    ASSERT_TRUE(store_.put(key, storage::make_object(to_bytes(text))).ok());
  }
  static std::string playlist(const std::string& prefix, bool ended = false) {
    PlaylistState p(10);
    p.add({.uri = prefix + "-0.m4s", .duration_s = 2, .init_uri = "init-" + prefix + ".mp4"});
    if (ended) {
      p.end();
    }
    return *p.render();
  }
  storage::MemoryStore store_;
};

TEST_F(StoredSessionLoad, ReadsEveryRenditionTheMasterNames) {
  put("lse_x/master.m3u8", master({variant("360p", 1), variant("720p", 2)}));
  put("lse_x/720p/index.m3u8", playlist("a"));
  put("lse_x/360p/index.m3u8", playlist("a"));
  put("lse_x/audio/index.m3u8", playlist("a", true));
  auto stored = load_stored_session(store_, "lse_x", 10);
  ASSERT_TRUE(stored.ok()) << stored.error().describe();
  ASSERT_EQ(stored->size(), 3u);
  EXPECT_EQ((*stored)[0].name, "720p");
  EXPECT_EQ((*stored)[1].name, "360p");
  EXPECT_EQ((*stored)[2].name, "audio");
  EXPECT_EQ((*stored)[2].kind, MediaKind::Audio);
  EXPECT_EQ(*(*stored)[0].playlist.render(), playlist("a"));
  EXPECT_EQ((*stored)[0].playlist.next_sequence(), 1u);
  EXPECT_TRUE((*stored)[2].playlist.ended());  // loaded as stored; the packager refuses it
}

TEST_F(StoredSessionLoad, NoMasterIsNotFound) {
  put("lse_other/master.m3u8", master({variant("source", 1)}));
  auto stored = load_stored_session(store_, "lse_x", 10);
  ASSERT_FALSE(stored.ok());
  EXPECT_EQ(stored.error().code, Code::NotFound);
}

TEST_F(StoredSessionLoad, AMissingOrBrokenMediaPlaylistIsNotNotFound) {
  put("lse_x/master.m3u8", master({variant("source", 1)}));
  put("lse_x/source/index.m3u8", playlist("a"));
  auto missing = load_stored_session(store_, "lse_x", 10);  // audio/index.m3u8
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Code::InvalidArgument) << missing.error().describe();

  std::string cut = playlist("a");
  put("lse_x/audio/index.m3u8", cut.substr(0, cut.size() - 3));
  auto broken = load_stored_session(store_, "lse_x", 10);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, Code::InvalidArgument);
  EXPECT_NE(broken.error().describe().find("audio"), std::string::npos)
      << broken.error().describe();
}

}  // namespace
}  // namespace antcdn::package
