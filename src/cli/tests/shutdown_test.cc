// SIGTERM handling of `sluice run`: the current epoch is finished and committed before the
// process exits 0 (every record read is printed); a pipeline that cannot finish within
// 'pipeline.shutdown-timeout' (its sink's server never answers) exits non-zero saying so.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <string>

#include "cli/tests/loopback_http.h"
#include "cli/tests/subprocess.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

TEST(ShutdownTest, SigtermCommitsTheCurrentEpochAndExitsZero) {
  sluice::testing::TempDir dir;
  const std::string sql =
      "SET 'execution.epoch-interval' = '500 ms';\n"
      "SET 'state.dir' = '';\n"
      "CREATE TABLE g (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '400');\n"
      "CREATE TABLE p (n BIGINT) WITH ('connector' = 'print');\n"
      "INSERT INTO p SELECT n FROM g;\n";
  auto child = Subprocess::Start({kSluice, "run", dir.Write("p.sql", sql)}, {});
  ASSERT_TRUE(child.ok()) << child.status().message();
  ASSERT_TRUE((*child)->ReadStdoutUntil(100, seconds(60)));
  (*child)->Signal(SIGTERM);
  SubprocessOutput out = (*child)->Wait(seconds(60));
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  std::smatch match;
  ASSERT_TRUE(
      std::regex_search(out.stderr_text, match, std::regex(R"((\d+) records in, (\d+) rows out)")))
      << out.stderr_text;
  const long records = std::stol(match[1]);
  // Every record read before the stop went through the last epoch into the print sink.
  EXPECT_EQ(std::stol(match[2]), records);
  EXPECT_EQ(std::count(out.stdout_text.begin(), out.stdout_text.end(), '\n'), records);
  EXPECT_GE(records, 100);
}

TEST(ShutdownTest, TimeoutExitsNonZeroSayingSo) {
  // A server that accepts connections and never answers: the sink's first request hangs.
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(listener, 16), 0);
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  sluice::testing::TempDir dir;
  const std::string sql =
      "SET 'pipeline.shutdown-timeout' = '1 s';\n"
      "SET 'state.dir' = '';\n"
      "CREATE TABLE g (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '10');\n"
      "CREATE TABLE c (n BIGINT) WITH ('connector' = 'clickhouse', 'url' = '" +
      url +
      "',\n  'table-name' = 't', 'sink.request-timeout' = '10 min',"
      " 'sink.wait-for-server' = '10 min');\n"
      "INSERT INTO c SELECT n FROM g;\n";
  const int port = FreeLoopbackPort();
  auto child = Subprocess::Start(
      {kSluice, "run", dir.Write("p.sql", sql), "--http-port", std::to_string(port)}, {});
  ASSERT_TRUE(child.ok()) << child.status().message();
  ASSERT_TRUE(WaitUntilServing(port, seconds(60)));
  const auto signalled = std::chrono::steady_clock::now();
  (*child)->Signal(SIGTERM);
  SubprocessOutput out = (*child)->Wait(seconds(60));
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  close(listener);
  EXPECT_EQ(out.exit_code, 1) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("shutdown timeout"), std::string::npos) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("'pipeline.shutdown-timeout' = 1 s"), std::string::npos)
      << out.stderr_text;
  EXPECT_GE(waited, 1.0);
  EXPECT_LT(waited, 30.0);
}

}  // namespace
}  // namespace sluice::cli::testing
