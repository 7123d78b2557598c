#include "storage/disk_store.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/temp_dir.h"

namespace antcdn::storage {
namespace {

namespace fs = std::filesystem;

std::string text_of(const ObjectPtr& o) {
  return std::string(as_chars(o->data));
}

class DiskStoreTest : public ::testing::Test {
 protected:
  Status put(const std::string& key, std::string_view text) {
    return store_.put(key, make_object(to_bytes(text), PutOptions{"text/plain", "no-cache"}));
  }
  std::string read(const std::string& key) {
    auto r = store_.get(key);
    EXPECT_TRUE(r.ok()) << key << ": " << (r.ok() ? "" : r.error().describe());
    return r.ok() ? text_of(*r) : "";
  }
  bool exists(const std::string& key) { return store_.get(key).ok(); }
  // Every regular file below the root, as relative paths.
  std::vector<std::string> files() {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root_)) {
      if (e.is_regular_file()) {
        out.push_back(fs::relative(e.path(), root_).string());
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  test::TempDir dir_;
  fs::path root_ = dir_.path() / "media";
  DiskStore store_{root_};
};

TEST_F(DiskStoreTest, PutThenGetCreatesParentDirectories) {
  ASSERT_TRUE(put("lse_a/720p/init-s1.mp4", "init").ok());
  EXPECT_EQ(read("lse_a/720p/init-s1.mp4"), "init");
  EXPECT_EQ(files(), std::vector<std::string>{"lse_a/720p/init-s1.mp4"});
  // Readable by a web server sharing the tree, not just by us.
  struct stat st {};
  ASSERT_EQ(::stat((root_ / "lse_a/720p/init-s1.mp4").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(DiskStoreTest, OverwriteReplacesTheWholeObjectAndLeavesNoTempFiles) {
  ASSERT_TRUE(put("lse_a/720p/index.m3u8", "a much longer first version of the playlist").ok());
  ASSERT_TRUE(put("lse_a/720p/index.m3u8", "v2").ok());
  EXPECT_EQ(read("lse_a/720p/index.m3u8"), "v2");
  EXPECT_EQ(files(), std::vector<std::string>{"lse_a/720p/index.m3u8"});
}

TEST_F(DiskStoreTest, TempFilesAreNeverVisibleAsKeys) {
  // A put interrupted before its rename leaves a temp file; no key can name it.
  fs::create_directories(root_ / "lse_a");
  std::ofstream(root_ / "lse_a/.index.m3u8.~abc123") << "partial";
  EXPECT_FALSE(is_valid_key("lse_a/.index.m3u8.~abc123"));
  EXPECT_EQ(store_.get("lse_a/.index.m3u8.~abc123").error().code, Code::InvalidArgument);
  EXPECT_EQ(store_.get("lse_a/index.m3u8").error().code, Code::NotFound);
}

TEST_F(DiskStoreTest, ReadersSeeOnlyCompleteObjectsWhileAWriterRewrites) {
  const std::string a(256 * 1024, 'a');
  const std::string b(64 * 1024, 'b');
  ASSERT_TRUE(put("k", a).ok());
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 200 && !stop; ++i) {
      ASSERT_TRUE(put("k", i % 2 ? a : b).ok());
    }
    stop = true;
  });
  int reads = 0;
  while (!stop) {
    auto r = store_.get("k");
    ASSERT_TRUE(r.ok());
    std::string got = text_of(*r);
    ASSERT_TRUE(got == a || got == b) << "torn read of " << got.size() << " bytes";
    ++reads;
  }
  writer.join();
  EXPECT_GT(reads, 0);
}

TEST_F(DiskStoreTest, GetMissingIsNotFound) {
  EXPECT_EQ(store_.get("lse_a/master.m3u8").error().code, Code::NotFound);
  ASSERT_TRUE(put("lse_a/720p/index.m3u8", "x").ok());
  // A directory is a prefix, not an object; a file is not a directory.
  EXPECT_EQ(store_.get("lse_a/720p").error().code, Code::NotFound);
  EXPECT_EQ(store_.get("lse_a/720p/index.m3u8/x").error().code, Code::NotFound);
}

TEST_F(DiskStoreTest, GetReturnsDefaultOptions) {
  ASSERT_TRUE(put("k", "x").ok());
  auto r = store_.get("k");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->options.content_type.empty());
}

TEST_F(DiskStoreTest, RemoveIsIdempotent) {
  ASSERT_TRUE(put("lse_a/720p/1.m4s", "x").ok());
  ASSERT_TRUE(store_.remove("lse_a/720p/1.m4s").ok());
  EXPECT_FALSE(exists("lse_a/720p/1.m4s"));
  EXPECT_TRUE(store_.remove("lse_a/720p/1.m4s").ok());
  EXPECT_TRUE(store_.remove("never/was").ok());
}

TEST_F(DiskStoreTest, RemovePrefixWithSlashRemovesTheSubtreeOnly) {
  ASSERT_TRUE(put("lse_a/master.m3u8", "m").ok());
  ASSERT_TRUE(put("lse_a/720p/index.m3u8", "i").ok());
  ASSERT_TRUE(put("lse_a/720p/s-1.m4s", "s").ok());
  ASSERT_TRUE(put("lse_ab/master.m3u8", "other stream").ok());
  ASSERT_TRUE(put("lse_a2", "an object named like the prefix").ok());
  ASSERT_TRUE(store_.remove_prefix("lse_a/").ok());
  EXPECT_EQ(files(), (std::vector<std::string>{"lse_a2", "lse_ab/master.m3u8"}));
  EXPECT_TRUE(store_.remove_prefix("lse_a/").ok()) << "removing nothing is fine";
}

TEST_F(DiskStoreTest, RemovePrefixWithoutSlashMatchesLikeS3) {
  ASSERT_TRUE(put("lse_a/720p/s-1.m4s", "1").ok());
  ASSERT_TRUE(put("lse_a/720p/s-2.m4s", "2").ok());
  ASSERT_TRUE(put("lse_a/720p/t-1.m4s", "3").ok());
  ASSERT_TRUE(put("lse_a/480p/s-1.m4s", "4").ok());
  ASSERT_TRUE(store_.remove_prefix("lse_a/720p/s-").ok());
  EXPECT_EQ(files(), (std::vector<std::string>{"lse_a/480p/s-1.m4s", "lse_a/720p/t-1.m4s"}));
  ASSERT_TRUE(store_.remove_prefix("lse_a/7").ok());
  EXPECT_EQ(files(), (std::vector<std::string>{"lse_a/480p/s-1.m4s"}));
  EXPECT_TRUE(store_.remove_prefix("nothing/here").ok());
}

TEST_F(DiskStoreTest, InvalidKeysAreRejectedEverywhere) {
  ASSERT_TRUE(put("inside", "x").ok());
  for (const char* key : {"../x", "/abs", "a//b", "a/./b", "", "a/", "a/../inside"}) {
    EXPECT_EQ(put(key, "x").error().code, Code::InvalidArgument) << key;
    EXPECT_EQ(store_.get(key).error().code, Code::InvalidArgument) << key;
    EXPECT_EQ(store_.remove(key).error().code, Code::InvalidArgument) << key;
  }
  EXPECT_EQ(store_.remove_prefix("").error().code, Code::InvalidArgument);
  EXPECT_EQ(store_.remove_prefix("../").error().code, Code::InvalidArgument);
  EXPECT_EQ(store_.remove_prefix("/").error().code, Code::InvalidArgument);
  EXPECT_FALSE(fs::exists(dir_.path() / "x"));
  EXPECT_EQ(files(), std::vector<std::string>{"inside"});
}

TEST_F(DiskStoreTest, FileSystemErrorsAreUnavailableWithTheReason) {
  ASSERT_TRUE(put("lse_a", "a file where a directory is needed").ok());
  auto s = put("lse_a/master.m3u8", "x");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::Unavailable);
  EXPECT_NE(s.error().message.find("lse_a/master.m3u8"), std::string::npos);

  if (::geteuid() != 0) {  // root ignores permissions
    fs::create_directories(root_ / "ro");
    fs::permissions(root_ / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    auto denied = put("ro/x", "x");
    ASSERT_FALSE(denied.ok());
    EXPECT_EQ(denied.error().code, Code::Unavailable);
    EXPECT_NE(denied.error().message.find("Permission denied"), std::string::npos)
        << denied.error().message;
    fs::permissions(root_ / "ro", fs::perms::owner_all);
  }
}

TEST_F(DiskStoreTest, EmptyObjectsRoundTrip) {
  ASSERT_TRUE(put("empty", "").ok());
  EXPECT_EQ(read("empty"), "");
}

}  // namespace
}  // namespace antcdn::storage
