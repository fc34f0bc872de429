// The state directory on a small tmpfs the test mounts (root needed; without it the test fails
// saying so), under `sluice run` writing generated ids into PostgreSQL (exactly-once):
// - full: the test fills the file system mid-run. Epochs can no longer be logged, so nothing more
//   is written or acknowledged (the table stops growing); the error is retryable and the restart
//   strategy keeps trying; once the filler is deleted the run recovers from the state and ends
//   by itself with every id exactly once.
// - read-only: the test lays a read-only bind mount over the state directory mid-run (Linux
//   refuses to remount a file system read-only while the epoch log is open for writing, so the
//   log's open descriptor keeps working while every new file fails, as a directory whose
//   permissions were taken away would): checkpoints fail with a warning and the run goes on; then
//   it is killed, the directory made writable again, and a new run recovers from the state left
//   behind and ends with every id exactly once.
// - read-only at start: the run stops at once naming the read-only file system; made writable, a
//   new run completes.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

#include "cli/tests/subprocess.h"
#include "testing/postgres_server.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::PostgresServer;
using ::sluice::testing::TempDir;
using std::chrono::milliseconds;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";
constexpr int64_t kRows = 12'000;
constexpr const char* kMountOptions = "size=1m";

// Each test names its pipeline after its table, so each has its own sluice_commits rows.
const char* const kPipeline = R"sql(SET 'pipeline.name' = '${TABLE}';
SET 'execution.epoch-interval' = '100 ms';
SET 'execution.checkpoint-interval' = '500 ms';
SET 'state.dir' = '${STATE_DIR}';
SET 'restart-strategy' = '${RESTART:-none}';
SET 'restart-strategy.fixed-delay.attempts' = '1000';
SET 'restart-strategy.fixed-delay.delay' = '200 ms';
CREATE TABLE ids (id BIGINT) WITH (
  'connector' = 'datagen', 'rows-per-second' = '3000',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '11999');
CREATE TABLE stored (id BIGINT) WITH (
  'connector' = 'postgres', 'url' = '${POSTGRES_URL}', 'table-name' = '${TABLE}');
INSERT INTO stored SELECT id FROM ids;
)sql";

// A tmpfs of 1 MB mounted for one test, unmounted by the destructor.
class SmallTmpfs {
 public:
  explicit SmallTmpfs(std::string path) : path_(std::move(path)) {
    if (mkdir(path_.c_str(), 0755) != 0 ||
        mount("tmpfs", path_.c_str(), "tmpfs", 0, kMountOptions) != 0) {
      error_ = std::strerror(errno);
    }
  }
  ~SmallTmpfs() {
    Unbind();
    if (error_.empty()) umount2(path_.c_str(), MNT_DETACH);
  }
  // Lays a read-only bind mount of directory `dir` (inside the tmpfs) over itself.
  bool BindReadOnly(const std::string& dir) {
    if (mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0) return false;
    bound_ = dir;
    return mount(nullptr, dir.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) == 0;
  }
  void Unbind() {
    if (!bound_.empty()) umount2(bound_.c_str(), MNT_DETACH);
    bound_.clear();
  }
  // Returns why mounting failed, empty when it worked.
  const std::string& error() const { return error_; }
  bool Remount(bool read_only) {
    return mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT | (read_only ? MS_RDONLY : 0),
                 kMountOptions) == 0;
  }
  // Writes a file until the file system is full; returns the bytes written.
  int64_t Fill(const std::string& name) {
    int fd = open((path_ + "/" + name).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const std::string block(4096, 'f');
    int64_t written = 0;
    ssize_t n;
    while (fd >= 0 && (n = write(fd, block.data(), block.size())) > 0) written += n;
    if (fd >= 0) close(fd);
    return written;
  }

 private:
  std::string path_;
  std::string bound_;
  std::string error_;
};

class StateDirFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto postgres = PostgresServer::Shared();
    ASSERT_TRUE(postgres.ok()) << postgres.status().ToString();
    postgres_ = *postgres;
    ASSERT_FALSE(dir_.path().empty());
    tmpfs_ = std::make_unique<SmallTmpfs>(dir_.File("state-fs"));
    ASSERT_TRUE(tmpfs_->error().empty())
        << "this test needs to mount a tmpfs (run it as root): mount failed: " << tmpfs_->error();
  }

  void CreateTable(const std::string& table) {
    ASSERT_TRUE(postgres_->Query("DROP TABLE IF EXISTS " + table).ok());
    ASSERT_TRUE(postgres_->Query("CREATE TABLE " + table + " (id bigint)").ok());
    table_ = table;
  }
  EnvVars Env(const std::string& restart) const {
    return {{"STATE_DIR", dir_.File("state-fs/state")},
            {"POSTGRES_URL", postgres_->url()},
            {"TABLE", table_},
            {"RESTART", restart}};
  }
  int64_t Count(const std::string& what) const {
    auto rows = postgres_->Query("SELECT " + what + " FROM " + table_);
    if (!rows.ok() || rows->empty() || !(*rows)[0][0]) return -1;
    return std::stoll(*(*rows)[0][0]);
  }
  static bool WaitFor(const std::function<bool()>& done, seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return true;
  }
  // Waits until the row count has not moved for `quiet`; returns it (-1 after 20 s).
  int64_t WaitUntilStalled(milliseconds quiet) const {
    int64_t last = Count("count(*)");
    auto since = std::chrono::steady_clock::now();
    const auto deadline = since + seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(100));
      int64_t now = Count("count(*)");
      if (now != last) {
        last = now;
        since = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - since >= quiet) {
        return last;
      }
    }
    return -1;
  }
  void ExpectEveryIdOnce(const std::string& logs) const {
    EXPECT_EQ(Count("count(*)"), kRows) << logs;
    EXPECT_EQ(Count("count(DISTINCT id)"), kRows);
    EXPECT_EQ(Count("min(id)"), 0);
    EXPECT_EQ(Count("max(id)"), kRows - 1);
  }

  PostgresServer* postgres_ = nullptr;
  TempDir dir_;
  std::unique_ptr<SmallTmpfs> tmpfs_;
  std::string table_;
};

TEST_F(StateDirFaultsTest, FullFileSystemStopsAcknowledgingAndRecoversWhenSpaceReturns) {
  CreateTable("state_full_ids");
  const std::string sql = dir_.Write("p.sql", kPipeline);
  // --fresh applies to the first run only: the in-process restart must recover, not start over.
  auto run = Subprocess::Start({kSluice, "run", "--fresh", sql}, Env("fixed-delay"));
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_TRUE(WaitFor([&] { return Count("count(*)") >= 2000; }, seconds(30)));

  const int64_t filled = tmpfs_->Fill("filler");
  const int64_t stalled = WaitUntilStalled(milliseconds(1500));
  ASSERT_GE(stalled, 2000) << "the table kept growing on a full state directory";
  EXPECT_LT(stalled, kRows);
  std::this_thread::sleep_for(seconds(1));
  EXPECT_EQ(Count("count(*)"), stalled) << "rows were written while nothing could be logged";

  ASSERT_EQ(unlink(dir_.File("state-fs/filler").c_str()), 0);
  SubprocessOutput out = (*run)->Wait(seconds(90));
  std::printf("full state dir: filled %lld bytes, stalled at %lld of %lld rows\n",
              static_cast<long long>(filled), static_cast<long long>(stalled),
              static_cast<long long>(kRows));
  EXPECT_EQ(out.exit_code, 0) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("No space left on device"), std::string::npos) << out.stderr_text;
  EXPECT_NE(out.stderr_text.find("recovered from"), std::string::npos) << out.stderr_text;
  ExpectEveryIdOnce(out.stderr_text);
}

TEST_F(StateDirFaultsTest, ReadOnlyStateDirectoryFailsCheckpointsAndARestartRecovers) {
  CreateTable("state_ro_ids");
  const std::string sql = dir_.Write("p.sql", kPipeline);
  auto run = Subprocess::Start({kSluice, "run", sql}, Env("none"));
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_TRUE(WaitFor([&] { return Count("count(*)") >= 2000; }, seconds(30)));

  const std::string state = dir_.File("state-fs/state");
  ASSERT_TRUE(tmpfs_->BindReadOnly(state)) << std::strerror(errno);
  const int64_t at_read_only = Count("count(*)");
  std::this_thread::sleep_for(milliseconds(1500));  // three checkpoint intervals
  (*run)->Signal(SIGKILL);
  SubprocessOutput killed = (*run)->Wait(seconds(10));
  ASSERT_EQ(killed.term_signal, SIGKILL) << "the run ended before it was killed\n"
                                         << killed.stderr_text;
  EXPECT_NE(killed.stderr_text.find("checkpoint failed"), std::string::npos) << killed.stderr_text;
  EXPECT_NE(killed.stderr_text.find("Read-only file system"), std::string::npos)
      << killed.stderr_text;
  EXPECT_LT(Count("count(*)"), kRows);
  tmpfs_->Unbind();

  auto second = Subprocess::Run({kSluice, "run", sql}, Env("none"), seconds(90));
  ASSERT_TRUE(second.ok());
  std::printf("read-only state dir: %lld rows when it became read-only\n",
              static_cast<long long>(at_read_only));
  EXPECT_EQ(second->exit_code, 0) << second->stderr_text;
  EXPECT_NE(second->stderr_text.find("recovered from"), std::string::npos) << second->stderr_text;
  ExpectEveryIdOnce(second->stderr_text);
}

TEST_F(StateDirFaultsTest, ReadOnlyAtStartStopsClearlyAndWritableCompletes) {
  CreateTable("state_ro_start_ids");
  const std::string sql = dir_.Write("p.sql", kPipeline);
  ASSERT_TRUE(tmpfs_->Remount(/*read_only=*/true)) << std::strerror(errno);
  auto refused = Subprocess::Run({kSluice, "run", sql}, Env("none"), seconds(30));
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->exit_code, 1) << refused->stderr_text;
  EXPECT_NE(refused->stderr_text.find("Read-only file system"), std::string::npos)
      << refused->stderr_text;
  EXPECT_EQ(Count("count(*)"), 0);
  ASSERT_TRUE(tmpfs_->Remount(/*read_only=*/false)) << std::strerror(errno);
  auto second = Subprocess::Run({kSluice, "run", sql}, Env("none"), seconds(90));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->exit_code, 0) << second->stderr_text;
  ExpectEveryIdOnce(second->stderr_text);
}

}  // namespace
}  // namespace sluice::cli::testing
