#include "storage/memory_store.h"

#include <gtest/gtest.h>

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
