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

TEST(PgUrl, RedactsAPasswordInTheUrl) {
  EXPECT_EQ(redact_url("postgres://antcdn:s3cret@db.internal:5432/antcdn"),
            "user=antcdn password=*** dbname=antcdn host=db.internal port=5432");
  EXPECT_EQ(redact_url("postgres://u:@h/db"), "user=u dbname=db host=h");  // none to hide
  // Percent-encoded, as a password with '@' or '/' must be.
  EXPECT_EQ(redact_url("postgres://u:p%40ss%2Fw@h:1/db"),
            "user=u password=*** dbname=db host=h port=1");
}

TEST(PgUrl, RedactsAPasswordInTheQuery) {
  EXPECT_EQ(redact_url("postgres://h/db?sslmode=require&password=s3cret&user=u"),
            "user=u password=*** dbname=db host=h sslmode=require");
  // Both spellings at once: libpq takes one of them; neither is shown.
  auto both = redact_url("postgres://u:s3cret@h/db?password=other");
  EXPECT_EQ(both.find("s3cret"), std::string::npos) << both;
  EXPECT_EQ(both.find("other"), std::string::npos) << both;
}

TEST(PgUrl, RedactsKeyValueStrings) {
  EXPECT_EQ(redact_url("host=h password=s3cret dbname=db"), "password=*** dbname=db host=h");
  EXPECT_EQ(redact_url("host=h password = 'se cr\\'et' user=u"), "user=u password=*** host=h");
  EXPECT_EQ(redact_url("host=h dbname='my db' application_name='it\\'s'"),
            "dbname='my db' host=h application_name='it\\'s'");
}

TEST(PgUrl, ShowsEverythingElseAsLibpqReadsIt) {
  EXPECT_EQ(redact_url("postgresql://antcdn@127.0.0.1:5432/antcdn?sslmode=require"),
            "user=antcdn dbname=antcdn host=127.0.0.1 port=5432 sslmode=require");
  EXPECT_EQ(redact_url("postgres://h/db"), "dbname=db host=h");
}

// libpq would read "ss" as the host and "w@h:1/db" as the database.
TEST(PgUrl, ShowsNothingOfAPasswordWithARawAt) {
  EXPECT_TRUE(has_raw_at_in_password("postgres://u:p@ss/w@h:1/db"));
  EXPECT_FALSE(has_raw_at_in_password("postgres://u:p%40ss@h:1/db?application_name=a@b"));
  EXPECT_FALSE(has_raw_at_in_password("host=h password=p@ss@w"));  // not a URL: nothing to split
  EXPECT_EQ(redact_url("postgres://u:p@ss/w@h:1/db"),
            "(a URL with a raw '@' in its user or password; write it as %40)");
}

TEST(PgUrl, ShowsNothingOfWhatLibpqCannotParse) {
  for (const char* bad : {"postgres://antcdn:hunter2@[::1/antcdn", "host=h password='hunter2",
                          "hunter2", "postgres://h/db?password=hunter2&nosuchkey=1"}) {
    EXPECT_EQ(redact_url(bad), "(a connection string libpq cannot parse)") << bad;
  }
}

}  // namespace
}  // namespace antcdn::store::postgres
