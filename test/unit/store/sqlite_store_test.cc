#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include "common/ids.h"
#include "support/temp_dir.h"

namespace antcdn::store::sqlite {
namespace {

StreamRecord make_stream(const std::string& owner, const std::string& name) {
  StreamRecord r;
  r.stream_id = ids::new_stream_id(1700000000000);
  r.edge_id = ids::new_edge_id(1700000000000);
  r.owner_key_id = owner;
  r.name = name;
  r.created_at_ms = 1700000000000;
  r.stream_key_hash = ids::credential_hash(ids::new_stream_key());
  return r;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteStore::open(dir_.file("antcdn.db"));
    ASSERT_TRUE(s.ok()) << s.error().describe();
    store_ = std::move(*s);
  }
  test::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, CreateGetAndFindByKeyHash) {
  StreamRecord r = make_stream("key_a", "Friday");
  r.started_at_ms = 5;
  auto created = store_->create(r);
  ASSERT_TRUE(created.ok());
  EXPECT_GT(created->seq, 0);
  auto got = store_->get(r.stream_id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->name, "Friday");
  EXPECT_EQ((*got)->edge_id, r.edge_id);
  EXPECT_EQ((*got)->started_at_ms, 5);
  EXPECT_FALSE((*got)->ended_at_ms.has_value());
  EXPECT_EQ((*got)->stream_key_hash, r.stream_key_hash);
  auto by_key = store_->find_by_key_hash(r.stream_key_hash);
  ASSERT_TRUE(by_key.ok() && by_key->has_value());
  EXPECT_EQ((*by_key)->stream_id, r.stream_id);
  auto missing = store_->get("ls_00000000000000000000000000");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(SqliteStoreTest, ListIsNewestFirstAndPerOwner) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_->create(make_stream("key_a", "a" + std::to_string(i))).ok());
  }
  ASSERT_TRUE(store_->create(make_stream("key_b", "b")).ok());
  auto page = store_->list("key_a", 3, std::nullopt);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ((*page)[0].name, "a4");
  EXPECT_EQ((*page)[2].name, "a2");
  auto next = store_->list("key_a", 3, page->back().seq);
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ((*next)[1].name, "a0");
  EXPECT_EQ(store_->list("key_b", 10, std::nullopt)->size(), 1u);
}

TEST_F(SqliteStoreTest, UpdateIsAllOrNothing) {
  StreamRecord r = make_stream("key_a", "before");
  ASSERT_TRUE(store_->create(r).ok());
  auto refused = store_->update(r.stream_id, [](StreamRecord& s) -> Status {
    s.name = "half-done";
    return make_error(Code::Conflict, "no");
  });
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Code::Conflict);
  EXPECT_EQ((*store_->get(r.stream_id))->name, "before");

  auto updated = store_->update(r.stream_id, [](StreamRecord& s) -> Status {
    s.name = "after";
    s.state = lifecycle::State::Live;
    s.ended_at_ms = 42;
    return {};
  });
  ASSERT_TRUE(updated.ok());
  auto got = *store_->get(r.stream_id);
  EXPECT_EQ(got->name, "after");
  EXPECT_EQ(got->state, lifecycle::State::Live);
  EXPECT_EQ(got->ended_at_ms, 42);
  EXPECT_EQ(store_->update("ls_00000000000000000000000000", [](StreamRecord&) { return Status{}; })
                .error()
                .code,
            Code::NotFound);
}

TEST_F(SqliteStoreTest, RemoveHonoursPrecondition) {
  StreamRecord r = make_stream("key_a", "x");
  ASSERT_TRUE(store_->create(r).ok());
  auto refused = store_->remove(r.stream_id, [](const StreamRecord&) -> Status {
    return make_error(Code::Conflict, "live");
  });
  EXPECT_FALSE(refused.ok());
  EXPECT_TRUE(store_->get(r.stream_id)->has_value());
  EXPECT_TRUE(store_->remove(r.stream_id, [](const StreamRecord&) { return Status{}; }).ok());
  EXPECT_FALSE(store_->get(r.stream_id)->has_value());
  EXPECT_EQ(store_->remove(r.stream_id, [](const StreamRecord&) { return Status{}; }).error().code,
            Code::NotFound);
}

TEST_F(SqliteStoreTest, ApiKeysRevoke) {
  ApiKeyRecord k{
      .key_id = "key_1", .name = "ci", .key_hash = crypto::sha256("k1"), .created_at_ms = 1};
  ASSERT_TRUE(store_->create_key(k).ok());
  EXPECT_TRUE(store_->find_active_key(crypto::sha256("k1"))->has_value());
  EXPECT_FALSE(store_->find_active_key(crypto::sha256("k2"))->has_value());
  ASSERT_TRUE(store_->revoke_key("key_1", 2).ok());
  EXPECT_FALSE(store_->find_active_key(crypto::sha256("k1"))->has_value());
  EXPECT_EQ(store_->revoke_key("key_1", 3).error().code, Code::NotFound);
  auto keys = store_->list_keys();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].revoked_at_ms, 2);
}

TEST_F(SqliteStoreTest, SurvivesReopen) {
  StreamRecord r = make_stream("key_a", "durable");
  ASSERT_TRUE(store_->create(r).ok());
  store_.reset();
  auto reopened = SqliteStore::open(dir_.file("antcdn.db"));
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*(*reopened)->get(r.stream_id))->name, "durable");
}

}  // namespace
}  // namespace antcdn::store::sqlite
