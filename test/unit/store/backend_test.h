#pragma once

// A fixture for the suites that run against every store: parameter "sqlite"
// or "postgres" (skipped without a server, see store_backends.h).

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "store/repositories.h"
#include "unit/store/store_backends.h"

namespace antcdn::store::test {

class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      backend_ = std::make_unique<SqliteBackend>();
    } else {
      auto url = postgres_server_url();
      if (!url) {
        GTEST_SKIP() << kPostgresHowTo;
      }
      auto pg = PostgresBackend::create(*url);
      ASSERT_TRUE(pg.ok()) << pg.error().describe();
      backend_ = std::move(*pg);
    }
    store_ = open();
  }

  std::unique_ptr<Store> open() {
    auto s = backend_->open();
    EXPECT_TRUE(s.ok()) << s.error().describe();
    return s.ok() ? std::move(*s) : nullptr;
  }

  // Destroyed in reverse: the store's connection goes before the database.
  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<Store> store_;
};

}  // namespace antcdn::store::test
