#include "store/postgres/pg_url.h"

#include <gtest/gtest.h>

namespace antcdn::store::postgres {
namespace {

TEST(PgUrl, RecognisesBothSchemes) {
  EXPECT_TRUE(is_postgres_url("postgres://u@h:5432/db"));
  EXPECT_TRUE(is_postgres_url("postgresql://h/db"));
  EXPECT_FALSE(is_postgres_url("sqlite:///tmp/x.db"));
  EXPECT_FALSE(is_postgres_url("postgres:/h/db"));
  EXPECT_FALSE(is_postgres_url("host=h dbname=db"));
}

TEST(PgUrl, RedactsThePasswordOnly) {
  EXPECT_EQ(redact_url("postgres://antcdn:s3cret@db.internal:5432/antcdn"),
            "postgres://antcdn:***@db.internal:5432/antcdn");
  EXPECT_EQ(redact_url("postgresql://antcdn@127.0.0.1:5432/antcdn?sslmode=require"),
            "postgresql://antcdn@127.0.0.1:5432/antcdn?sslmode=require");
  EXPECT_EQ(redact_url("postgres://h/db"), "postgres://h/db");
  EXPECT_EQ(redact_url("postgres://u:@h/db"), "postgres://u:***@h/db");
  // A raw '@' or '/' in the password is malformed, but still hidden.
  EXPECT_EQ(redact_url("postgres://u:p@ss/w@h:1/db"), "postgres://u:***@h:1/db");
  EXPECT_EQ(redact_url("postgres://h/db?sslmode=require&password=s3cret&user=u"),
            "postgres://h/db?sslmode=require&password=***&user=u");
  EXPECT_EQ(redact_url("postgres://u:s3cret@h/db?password=other"),
            "postgres://u:***@h/db?password=***");
}

TEST(PgUrl, RedactsKeyValueStrings) {
  EXPECT_EQ(redact_url("host=h password=s3cret dbname=db"), "host=h password=*** dbname=db");
  EXPECT_EQ(redact_url("host=h password = 'se cr\\'et' user=u"), "host=h password = *** user=u");
  EXPECT_EQ(redact_url("host=h dbname=db"), "host=h dbname=db");
}

}  // namespace
}  // namespace antcdn::store::postgres
