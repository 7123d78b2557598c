#include "storage/memory_store.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

namespace antcdn::storage {
namespace {

TEST(MemoryStoreTest, BehavesLikeTheOtherStores) {
  MemoryStore store;
  ASSERT_TRUE(
      store.put("a/1", make_object(to_bytes("x"), PutOptions{"video/mp4", "max-age=1"})).ok());
  ASSERT_TRUE(store.put("a/2", make_object(to_bytes("y"))).ok());
  ASSERT_TRUE(store.put("ab/1", make_object(to_bytes("z"))).ok());
  auto got = store.get("a/1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)->options.content_type, "video/mp4");
  EXPECT_EQ(store.get("a/3").error().code, Code::NotFound);
  EXPECT_EQ(store.put("a//b", make_object(Bytes{})).error().code, Code::InvalidArgument);
  ASSERT_TRUE(store.remove("a/2").ok());
  ASSERT_TRUE(store.remove("a/2").ok());
  ASSERT_TRUE(store.remove_prefix("a/").ok());
  EXPECT_EQ(store.keys(), std::vector<std::string>{"ab/1"});
  EXPECT_EQ(store.remove_prefix("").error().code, Code::InvalidArgument);
}

}  // namespace
}  // namespace antcdn::storage

namespace antcdn::storage {
namespace {

TEST(MemoryStoreTest, RangesAndFilesThroughTheDefaults) {
  MemoryStore store;
  ASSERT_TRUE(store.put("a/1", make_object(to_bytes("0123456789"))).ok());
  auto r = store.get_range("a/1", 7, 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(as_chars(r->data), "789");
  EXPECT_EQ(r->total_size, 10u);
  EXPECT_TRUE(store.get_range("a/1", 11, 5)->data.empty());
  EXPECT_EQ(store.get_range("a/2", 0, 1).error().code, Code::NotFound);

  const auto file = std::filesystem::temp_directory_path() /
                    ("antcdn-memory-put-file-" + std::to_string(::getpid()));
  std::ofstream(file, std::ios::binary) << "from a file";
  Status s = store.put_file("a/f", file, PutOptions{"video/mp4", "immutable"});
  std::filesystem::remove(file);
  ASSERT_TRUE(s.ok());
  auto got = store.get("a/f");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(as_chars((*got)->data), "from a file");
  EXPECT_EQ((*got)->options.content_type, "video/mp4");
  EXPECT_EQ(store.put_file("a/g", file, {}).error().code, Code::Unavailable);  // gone now
}

}  // namespace
}  // namespace antcdn::storage
