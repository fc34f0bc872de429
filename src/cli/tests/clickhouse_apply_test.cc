// `sluice clickhouse apply FILE.sql` against the shared test server: creates the database of the
// first table first, runs each statement once, skips what exists on a second run, reports a
// failing statement with ClickHouse's message, and tells a server that is down by exit code 1.

#include <gtest/gtest.h>

#include <string>

#include "cli/tests/subprocess.h"
#include "testing/clickhouse_server.h"
#include "testing/clickhouse_test_environment.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::TempDir;

using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

// Semicolons inside a comment, a string and a block comment must not split statements.
const char* const kDdl = R"sql(-- shop schema; applied by sluice
CREATE TABLE shop.orders (
  id Int64,
  note String DEFAULT 'a;b'  /* default; with a semicolon */
) ENGINE = MergeTree ORDER BY id;

CREATE VIEW IF NOT EXISTS shop.notes AS SELECT id, note FROM shop.orders;
)sql";

class ClickHouseApplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = sluice::testing::ClickHouseServer::Shared();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = *server;
    ASSERT_TRUE(server_->Query("DROP DATABASE IF EXISTS shop").ok());
  }

  SubprocessOutput Apply(const std::string& file, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {kSluice, "clickhouse", "apply", file, "--url", server_->url()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto run = Subprocess::Run(argv, {}, seconds(60));
    EXPECT_TRUE(run.ok()) << run.status().message();
    return run.ok() ? *run : SubprocessOutput{};
  }

  sluice::testing::ClickHouseServer* server_ = nullptr;
  TempDir dir_;
};

TEST_F(ClickHouseApplyTest, CreatesDatabaseAndObjectsThenSkipsThemOnASecondRun) {
  std::string file = dir_.Write("shop.sql", kDdl);
  SubprocessOutput first = Apply(file);
  ASSERT_EQ(first.exit_code, 0) << first.stdout_text << first.stderr_text;
  EXPECT_EQ(first.stdout_text,
            file + ":2: created: shop.orders\n" + file + ":7: created: shop.notes\n");
  auto inserted = server_->Query("INSERT INTO shop.orders (id) VALUES (1)");
  ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  auto notes = server_->Query("SELECT id, note FROM shop.notes FORMAT TabSeparated");
  ASSERT_TRUE(notes.ok()) << notes.status().ToString();
  EXPECT_EQ(*notes, "1\ta;b\n");

  SubprocessOutput second = Apply(file);
  ASSERT_EQ(second.exit_code, 0) << second.stdout_text << second.stderr_text;
  EXPECT_EQ(second.stdout_text,
            file + ":2: skipped: shop.orders exists\n" + file + ":7: skipped: shop.notes exists\n");
}

TEST_F(ClickHouseApplyTest, FailingStatementIsReportedWithClickHousesMessageAndExitsTwo) {
  std::string file =
      dir_.Write("bad.sql",
                 "CREATE TABLE shop.a (id Int64) ENGINE = MergeTree ORDER BY id;\n"
                 "CREATE TABLE shop.b (id NoSuchType) ENGINE = MergeTree ORDER BY id;\n"
                 "CREATE TABLE shop.c (id Int64) ENGINE = MergeTree ORDER BY id;\n");
  SubprocessOutput out = Apply(file);
  EXPECT_EQ(out.exit_code, 2) << out.stdout_text << out.stderr_text;
  EXPECT_NE(out.stdout_text.find(file + ":1: created: shop.a\n"), std::string::npos)
      << out.stdout_text;
  EXPECT_NE(out.stdout_text.find(file + ":2: failed: CREATE TABLE shop.b"), std::string::npos)
      << out.stdout_text;
  EXPECT_NE(out.stdout_text.find("NoSuchType"), std::string::npos) << out.stdout_text;
  EXPECT_NE(out.stdout_text.find(file + ":3: created: shop.c\n"), std::string::npos)
      << out.stdout_text;
}

TEST_F(ClickHouseApplyTest, ServerThatIsDownExitsOneAfterTheWait) {
  std::string file = dir_.Write("shop.sql", kDdl);
  auto run = Subprocess::Run(
      {kSluice, "clickhouse", "apply", file, "--url", "http://127.0.0.1:1", "--wait", "0.5"}, {},
      seconds(30));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 1) << run->stderr_text;
  EXPECT_NE(run->stderr_text.find("did not answer within 500 ms"), std::string::npos)
      << run->stderr_text;
  EXPECT_EQ(run->stdout_text, "");
}

TEST_F(ClickHouseApplyTest, UnreadableFileExitsTwo) {
  auto run =
      Subprocess::Run({kSluice, "clickhouse", "apply", dir_.File("missing.sql")}, {}, seconds(30));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 2) << run->stderr_text;
}

}  // namespace
}  // namespace sluice::cli::testing
