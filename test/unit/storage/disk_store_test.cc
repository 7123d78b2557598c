#include "storage/disk_store.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <sys/mount.h>
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

// A real full file system: a 64 KiB tmpfs (needs root, as the tests run in CI).
TEST_F(DiskStoreTest, AFullDiskIsResourceExhaustedAndSaysDiskFull) {
  fs::path small = dir_.path() / "small";
  fs::create_directories(small);
  if (::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=64k") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (not root?): " << std::strerror(errno);
  }
  struct Unmount {
    fs::path dir;
    ~Unmount() { ::umount2(dir.c_str(), MNT_DETACH); }
  } unmount{small};
  DiskStore store(small);
  Status full = store.put("lse_a/big.m4s", make_object(Bytes(256 * 1024)));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, Code::ResourceExhausted);
  EXPECT_TRUE(full.error().message.starts_with("disk full: ")) << full.error().message;
  EXPECT_NE(full.error().message.find("lse_a/big.m4s"), std::string::npos);
  // Nothing half-written is left, and small objects fit again.
  EXPECT_TRUE(store.put("lse_a/small.m4s", make_object(Bytes(1024))).ok());
  size_t entries = 0;
  for (const auto& e : fs::recursive_directory_iterator(small)) {
    entries += e.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(entries, 1u);
}

// A kill -9 between write and rename leaves "./.NAME.~XXXXXX"; a start removes
// those older than itself and leaves objects and newer temp files alone.
TEST_F(DiskStoreTest, SweepRemovesOnlyOldTempFiles) {
  ASSERT_TRUE(put("lse_a/720p/s-1.m4s", "segment").ok());
  ASSERT_TRUE(put("lse_a/.hidden", "an object whose name starts with a dot").ok());
  auto touch = [&](const fs::path& p, fs::file_time_type when) {
    std::ofstream(p) << "partial";
    fs::last_write_time(p, when);
  };
  const auto start = fs::file_time_type::clock::now();
  touch(root_ / "lse_a/720p/.s-2.m4s.~Ab3dEf", start - std::chrono::hours(1));
  touch(root_ / "lse_a/.index.m3u8.~x1Y2z3", start - std::chrono::seconds(1));
  touch(root_ / "lse_a/720p/.s-3.m4s.~newer1", start + std::chrono::hours(1));

  auto swept = store_.sweep_temp_files(start);
  ASSERT_TRUE(swept.ok()) << swept.error().describe();
  EXPECT_EQ(*swept, 2u);
  EXPECT_EQ(files(), (std::vector<std::string>{"lse_a/.hidden", "lse_a/720p/.s-3.m4s.~newer1",
                                               "lse_a/720p/s-1.m4s"}));
  DiskStore empty(dir_.path() / "never-written");
  auto none = empty.sweep_temp_files(start);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0u);
}

}  // namespace
}  // namespace antcdn::storage

namespace antcdn::storage {
namespace {

std::string text_of_range(const Result<ObjectRange>& r) {
  return r.ok() ? std::string(as_chars(r->data)) : "<error " + r.error().describe() + ">";
}

TEST_F(DiskStoreTest, GetRangeReadsJustTheRangeAndTellsTheSize) {
  ASSERT_TRUE(put("rec/download.mp4", "0123456789").ok());
  auto middle = store_.get_range("rec/download.mp4", 2, 3);
  EXPECT_EQ(text_of_range(middle), "234");
  EXPECT_EQ(middle->total_size, 10u);
  EXPECT_EQ(text_of_range(store_.get_range("rec/download.mp4", 8, 100)), "89");
  auto past = store_.get_range("rec/download.mp4", 10, 4);
  ASSERT_TRUE(past.ok());
  EXPECT_TRUE(past->data.empty());
  EXPECT_EQ(past->total_size, 10u);
  auto size_only = store_.get_range("rec/download.mp4", 0, 0);
  ASSERT_TRUE(size_only.ok());
  EXPECT_TRUE(size_only->data.empty());
  EXPECT_EQ(size_only->total_size, 10u);
  EXPECT_EQ(store_.get_range("rec/none.mp4", 0, 1).error().code, Code::NotFound);
  EXPECT_EQ(store_.get_range("rec", 0, 1).error().code, Code::NotFound);  // a directory
  EXPECT_EQ(store_.get_range("../x", 0, 1).error().code, Code::InvalidArgument);
}

TEST_F(DiskStoreTest, PutFileRenamesAStagedFileIntoPlace) {
  fs::create_directories(store_.staging_dir());
  const fs::path staged = store_.staging_dir() / ".download.mp4.~abcdef";
  std::ofstream(staged, std::ios::binary) << "whole file";
  ::chmod(staged.c_str(), 0600);
  struct stat before {};
  ASSERT_EQ(::stat(staged.c_str(), &before), 0);
  ASSERT_TRUE(store_.put_file("recordings/r1/download.mp4", staged, {}).ok());
  EXPECT_EQ(read("recordings/r1/download.mp4"), "whole file");
  EXPECT_FALSE(fs::exists(staged)) << "moved, not copied";
  struct stat st {};
  ASSERT_EQ(::stat((root_ / "recordings/r1/download.mp4").c_str(), &st), 0);
  EXPECT_EQ(st.st_ino, before.st_ino) << "the same file, renamed";
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_EQ(files(), std::vector<std::string>{"recordings/r1/download.mp4"});
  // No key can name the staging directory.
  EXPECT_FALSE(is_valid_key(fs::relative(store_.staging_dir(), root_).string() + "/x"));
}

TEST_F(DiskStoreTest, PutFileCopiesAcrossFileSystems) {
  // /dev/shm is a tmpfs on Linux: another file system than the test's temp dir.
  struct stat shm {};
  struct stat tmp {};
  if (::stat("/dev/shm", &shm) != 0 || ::stat(dir_.path().c_str(), &tmp) != 0 ||
      shm.st_dev == tmp.st_dev) {
    GTEST_SKIP() << "no second file system to copy from";
  }
  const fs::path other = fs::path("/dev/shm") / ("antcdn-put-file-" + std::to_string(::getpid()));
  std::string big(3 * 1024 * 1024 + 17, '\0');  // more than one copy step
  for (size_t i = 0; i < big.size(); ++i) {
    big[i] = static_cast<char>('a' + i % 26);
  }
  std::ofstream(other, std::ios::binary) << big;
  Status s = store_.put_file("recordings/r2/download.mp4", other, {});
  fs::remove(other);
  ASSERT_TRUE(s.ok()) << s.error().describe();
  EXPECT_EQ(read("recordings/r2/download.mp4"), big);
  EXPECT_EQ(files(), std::vector<std::string>{"recordings/r2/download.mp4"}) << "no temp file left";
}

TEST_F(DiskStoreTest, PutFileOfAMissingFileFailsAndLeavesNothing) {
  Status s = store_.put_file("recordings/r3/download.mp4", dir_.path() / "nothing-here", {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::Unavailable);
  EXPECT_FALSE(exists("recordings/r3/download.mp4"));
  EXPECT_EQ(store_.put_file("a//b", dir_.path() / "x", {}).error().code, Code::InvalidArgument);
}

TEST_F(DiskStoreTest, SweepAlsoRemovesStagedLeftovers) {
  fs::create_directories(store_.staging_dir());
  std::ofstream(store_.staging_dir() / ".download.mp4.~zzzzzz") << "left by a crash";
  auto swept = store_.sweep_temp_files(fs::file_time_type::clock::now() + std::chrono::hours(1));
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 1u);
}

}  // namespace
}  // namespace antcdn::storage
