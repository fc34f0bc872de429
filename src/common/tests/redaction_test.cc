// SecretRedactor: registered secrets and URL passwords are masked wherever they appear; option
// keys that name secrets are recognised; short values are only masked inside URLs.

#include <gtest/gtest.h>

#include "common/secret_redactor.h"

namespace sluice {
namespace {

TEST(RedactionTest, MasksRegisteredSecretsEverywhere) {
  SecretRedactor r;
  r.Add("hunter2-long");
  EXPECT_EQ(r.Redact("pw=hunter2-long, again hunter2-long."), "pw=***, again ***.");
  EXPECT_EQ(r.Redact("nothing secret"), "nothing secret");
}

TEST(RedactionTest, MasksUrlPasswordsWithoutRegistration) {
  SecretRedactor r;
  EXPECT_EQ(r.Redact("clickhouse http://bob:pw@host:8123/db, ok"),
            "clickhouse http://bob:***@host:8123/db, ok");
  // No password, or no userinfo: unchanged.
  EXPECT_EQ(r.Redact("http://bob@host:8123 http://host:8123"),
            "http://bob@host:8123 http://host:8123");
  EXPECT_EQ(r.Redact("a://u:p1@h b://v:p2@i"), "a://u:***@h b://v:***@i");
}

TEST(RedactionTest, CollectsSecretsFromOptions) {
  SecretRedactor r;
  r.AddFromOptions({{"password", "s3cr3t-value"},
                    {"properties.sasl.jaas.config", "jaas-secret-text"},
                    {"server.auth-token", "tok-123456"},
                    {"url", "http://u:url-pass@h:1"},
                    {"table-name", "orders"},
                    {"username", "default"}});
  EXPECT_EQ(r.Redact("s3cr3t-value jaas-secret-text tok-123456 url-pass orders default"),
            "*** *** *** *** orders default");
}

TEST(RedactionTest, ShortSecretsOnlyInsideUrls) {
  SecretRedactor r;
  r.Add("ab");  // too short to search for in free text
  EXPECT_EQ(r.Redact("about ab"), "about ab");
  EXPECT_EQ(r.Redact("http://x:ab@h"), "http://x:***@h");
}

TEST(RedactionTest, SecretKeys) {
  EXPECT_TRUE(SecretRedactor::IsSecretKey("password"));
  EXPECT_TRUE(SecretRedactor::IsSecretKey("properties.sasl.password"));
  EXPECT_TRUE(SecretRedactor::IsSecretKey("server.auth-token"));
  EXPECT_TRUE(SecretRedactor::IsSecretKey("properties.ssl.key.password"));
  EXPECT_FALSE(SecretRedactor::IsSecretKey("username"));
  EXPECT_FALSE(SecretRedactor::IsSecretKey("table-name"));
}

}  // namespace
}  // namespace sluice
