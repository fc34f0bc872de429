#include "common/env_substitution.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace sluice {
namespace {

class EnvSubstitutionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("SLUICE_TEST_BROKERS", "kafka:9092", 1);
    setenv("SLUICE_TEST_EMPTY", "", 1);
    unsetenv("SLUICE_TEST_UNSET");
  }
  void TearDown() override {
    unsetenv("SLUICE_TEST_BROKERS");
    unsetenv("SLUICE_TEST_EMPTY");
  }
};

TEST_F(EnvSubstitutionTest, CopiesTextWithoutReferences) {
  EXPECT_EQ(*SubstituteEnv(""), "");
  EXPECT_EQ(*SubstituteEnv("plain text"), "plain text");
  EXPECT_EQ(*SubstituteEnv("cost: $5, $$ and $ alone {}"), "cost: $5, $$ and $ alone {}");
}

TEST_F(EnvSubstitutionTest, ReplacesSetVariables) {
  EXPECT_EQ(*SubstituteEnv("${SLUICE_TEST_BROKERS}"), "kafka:9092");
  EXPECT_EQ(*SubstituteEnv("a=${SLUICE_TEST_BROKERS};b=${SLUICE_TEST_BROKERS}!"),
            "a=kafka:9092;b=kafka:9092!");
  // A set variable wins over its default.
  EXPECT_EQ(*SubstituteEnv("${SLUICE_TEST_BROKERS:-localhost:9092}"), "kafka:9092");
  // `$$` before a reference leaves one `$` and then the value.
  EXPECT_EQ(*SubstituteEnv("$${SLUICE_TEST_BROKERS}"), "$kafka:9092");
}

TEST_F(EnvSubstitutionTest, UsesDefaultsWhenUnsetOrEmpty) {
  EXPECT_EQ(*SubstituteEnv("${SLUICE_TEST_UNSET:-localhost:9092}"), "localhost:9092");
  EXPECT_EQ(*SubstituteEnv("http://${SLUICE_TEST_UNSET:-host}:8123/x"), "http://host:8123/x");
  EXPECT_EQ(*SubstituteEnv("[${SLUICE_TEST_UNSET:-}]"), "[]");
  EXPECT_EQ(*SubstituteEnv("${SLUICE_TEST_EMPTY:-fallback}"), "fallback");
  // Without a default, a set-but-empty variable is simply empty.
  EXPECT_EQ(*SubstituteEnv("[${SLUICE_TEST_EMPTY}]"), "[]");
  // The default runs to the first '}' and may hold ':' and '-'.
  EXPECT_EQ(*SubstituteEnv("${SLUICE_TEST_UNSET:-a:-b}"), "a:-b");
}

TEST_F(EnvSubstitutionTest, RejectsUnsetVariableWithoutDefault) {
  auto r = SubstituteEnv("x ${SLUICE_TEST_UNSET} y");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("SLUICE_TEST_UNSET"), std::string::npos);
}

TEST_F(EnvSubstitutionTest, RejectsUnterminatedReference) {
  auto r = SubstituteEnv("abc ${SLUICE_TEST_BROKERS");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("unterminated"), std::string::npos);
  EXPECT_FALSE(SubstituteEnv("${").ok());
}

TEST_F(EnvSubstitutionTest, RejectsInvalidNames) {
  EXPECT_EQ(SubstituteEnv("${}").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SubstituteEnv("${1ABC}").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SubstituteEnv("${A B}").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SubstituteEnv("${:-x}").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice
