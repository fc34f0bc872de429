// DESIGN.md's determinism promise: output is a function of the logged consumption order only, so
// replaying an epoch log reproduces a run's output byte for byte — here with two splits read
// round robin, allowed lateness with late rows (updates and drops), 7-row batches and 1 ms epochs.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>

#include "cli/pipeline_loader.h"
#include "cli/tests/subprocess.h"
#include "runtime/epoch_log.h"
#include "runtime/pipeline.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::TempDir;

using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

// 2024-01-01T00:01:00Z in epoch milliseconds.
constexpr int64_t kBaseMillis = 1704067260000;

std::string IsoUtc(int64_t millis) {
  time_t secs = static_cast<time_t>(millis / 1000);
  struct tm tm_utc;
  gmtime_r(&secs, &tm_utc);
  char buf[40];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm_utc);
  char out[64];
  std::snprintf(out, sizeof(out), "%s.%03dZ", buf, static_cast<int>(millis % 1000));
  return out;
}

// One split's events: row i at base + offset + 500 ms * i, except that every `late_every`-th row
// is `late_by` ms older. With a 1 s watermark delay and 10 s windows, rows 12 s back are late
// for their window but often within the 10 s allowed lateness (an update of the window's row);
// rows 25 s back are always beyond it (dropped).
std::string SplitEvents(int64_t offset, int late_every, int64_t late_by) {
  std::string out;
  for (int i = 0; i < 240; ++i) {
    int64_t t = kBaseMillis + offset + int64_t{500} * i;
    if (i % late_every == late_every - 1) t -= late_by;
    char line[128];
    std::snprintf(line, sizeof(line), "{\"k\": \"%c\", \"v\": %d, \"ts\": \"%s\"}\n", "ABC"[i % 3],
                  i, IsoUtc(t).c_str());
    out += line;
  }
  return out;
}

// Job 1 aggregates with allowed lateness, so its output is a changelog (updates of fired windows)
// and goes to the print sink (stdout); job 2 copies some rows to a file named by ${OUT}.
std::string PipelineSql(const std::string& log_path) {
  return R"sql(
SET 'pipeline.name' = 'replay';
SET 'table.exec.emit.allow-lateness' = '10 s';
SET 'execution.batch-size' = '7';
SET 'execution.epoch-interval' = '1 ms';
SET 'execution.epoch-log.path' = ')sql" +
         log_path + R"sql(';

CREATE TABLE events (k STRING, v INT, ts TIMESTAMP(3),
                     WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '${IN_DIR}', 'format' = 'json');

CREATE TABLE results (k STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3),
                      cnt BIGINT, total BIGINT)
WITH ('connector' = 'print');

CREATE TABLE copied (k STRING, v INT, ts TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = '${OUT}', 'format' = 'csv');

INSERT INTO results
SELECT k, window_start, window_end, COUNT(*), SUM(v)
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY k, window_start, window_end;

INSERT INTO copied SELECT k, v, ts FROM events WHERE v % 5 = 0;
)sql";
}

// What one execution of the pipeline left: the print sink's stdout and the ${OUT} file.
struct RunOutput {
  std::string printed;
  std::string copied;
};

// Redirects file descriptor 1 (and so `stdout`) to a file for its lifetime.
class StdoutToFile {
 public:
  explicit StdoutToFile(const std::string& path) {
    std::fflush(stdout);
    saved_ = dup(STDOUT_FILENO);
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      close(fd);
    }
  }
  ~StdoutToFile() {
    std::fflush(stdout);
    dup2(saved_, STDOUT_FILENO);
    close(saved_);
  }

 private:
  int saved_ = -1;
};

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    std::filesystem::create_directories(dir_.File("in"));
    dir_.Write("in/a.json", SplitEvents(0, 10, 12000));
    dir_.Write("in/b.json", SplitEvents(250, 7, 25000));
    log_ = dir_.File("epochs.log");
    sql_ = dir_.Write("replay.sql", PipelineSql(log_));
  }

  // Runs the pipeline with the sluice binary (extra_args before the file), job 2 writing to
  // `out`.
  RunOutput RunSluice(const std::vector<std::string>& extra_args, const std::string& out) {
    std::vector<std::string> argv = {kSluice, "run"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    argv.push_back(sql_);
    auto run = Subprocess::Run(argv, {{"IN_DIR", dir_.File("in")}, {"OUT", out}}, seconds(120));
    EXPECT_TRUE(run.ok()) << run.status().message();
    if (!run.ok()) return {};
    EXPECT_FALSE(run->timed_out);
    EXPECT_EQ(run->exit_code, 0) << run->stderr_text;
    return {run->stdout_text, TempDir::Read(out)};
  }

  // Checks the first run's output and log: windows, some of them updated, copied rows, several
  // epochs.
  void ExpectFirstRunShape(const RunOutput& output) {
    ASSERT_FALSE(output.printed.empty());
    std::set<std::string> windows;  // "k, window_start"
    int updates = 0;
    std::stringstream lines(output.printed);
    std::string line;
    while (std::getline(lines, line)) {
      ASSERT_GE(line.size(), 4u) << line;
      std::string kind = line.substr(0, 3);
      ASSERT_TRUE(kind == "+I[" || kind == "-U[" || kind == "+U[") << line;
      std::string key = line.substr(3, line.find(", ", 6) - 3);
      if (kind != "+I[" || !windows.insert(key).second) ++updates;
    }
    // 2 x 240 rows over two minutes: at least 12 windows of 10 s for each of 3 keys.
    EXPECT_GE(windows.size(), 36u);
    EXPECT_GT(updates, 0) << "no late row updated a fired window:\n" << output.printed;
    // v % 5 == 0: 48 rows of each file.
    EXPECT_EQ(std::count(output.copied.begin(), output.copied.end(), '\n'), 96);
    auto epochs = runtime::EpochLog::ReadFile(log_);
    ASSERT_TRUE(epochs.ok()) << epochs.status().message();
    EXPECT_GT(epochs->size(), 1u);
  }

  TempDir dir_;
  std::string log_;
  std::string sql_;
};

TEST_F(ReplayTest, CliReplayReproducesTheRunByteForByte) {
  RunOutput first = RunSluice({}, dir_.File("out/first.csv"));
  ExpectFirstRunShape(first);

  RunOutput replayed = RunSluice({"--replay", log_}, dir_.File("out/replayed.csv"));
  EXPECT_EQ(replayed.printed, first.printed);
  EXPECT_EQ(replayed.copied, first.copied);
}

TEST_F(ReplayTest, InProcessReplayReproducesTheRunByteForByte) {
  RunOutput first = RunSluice({}, dir_.File("out/first.csv"));
  ExpectFirstRunShape(first);

  const std::string copied = dir_.File("out/replayed.csv");
  setenv("IN_DIR", dir_.File("in").c_str(), 1);
  setenv("OUT", copied.c_str(), 1);
  auto loaded = LoadPipeline(sql_, {});
  unsetenv("IN_DIR");
  unsetenv("OUT");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  auto pipeline = runtime::Pipeline::Create(loaded->plan, *loaded->connectors, *loaded->functions);
  ASSERT_TRUE(pipeline.ok()) << pipeline.status().message();
  Status replay;
  {
    StdoutToFile capture(dir_.File("replayed.stdout"));
    replay = (*pipeline)->Replay(log_);
  }
  ASSERT_TRUE(replay.ok()) << replay.message();
  EXPECT_EQ(TempDir::Read(dir_.File("replayed.stdout")), first.printed);
  EXPECT_EQ(TempDir::Read(copied), first.copied);
}

// A generator without 'start-time' stamps rows with the wall clock of the Poll that made them,
// and the run ends by SIGTERM mid-stream: the log carries those times, so the replay still
// reproduces every window the run emitted, and leaves the same windows open.
TEST_F(ReplayTest, WallClockSourceStoppedBySigtermReplaysByteForByte) {
  const std::string first = dir_.File("out/first.csv");
  const std::string replayed = dir_.File("out/replayed.csv");
  std::string sql = dir_.Write("wall_clock.sql", R"sql(
SET 'execution.epoch-interval' = '20 ms';
SET 'execution.epoch-log.path' = ')sql" + log_ + R"sql(';
CREATE TABLE gen (k STRING, v INT, ts TIMESTAMP(3),
                  WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND)
WITH ('connector' = 'datagen', 'rows-per-second' = '5000', 'fields.k.values' = 'x,y,z',
      'fields.v.min' = '1', 'fields.v.max' = '100', 'fields.ts.max-past' = '400 ms');
CREATE TABLE results (k STRING, window_start TIMESTAMP(3), cnt BIGINT, total BIGINT)
WITH ('connector' = 'filesystem', 'path' = '${OUT}', 'format' = 'csv');
INSERT INTO results
SELECT k, window_start, COUNT(*), SUM(v)
FROM TABLE(TUMBLE(TABLE gen, DESCRIPTOR(ts), INTERVAL '1' SECOND))
GROUP BY k, window_start, window_end;
)sql");
  auto child = Subprocess::Start({kSluice, "run", sql}, {{"OUT", first}});
  ASSERT_TRUE(child.ok()) << child.status().message();
  // Stop once the first windows have been written (at least one window per key).
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  for (std::string text; std::count(text.begin(), text.end(), '\n') < 3;
       text = TempDir::Read(first)) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "no window fired";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  (*child)->Signal(SIGTERM);
  SubprocessOutput out = (*child)->Wait(seconds(10));
  ASSERT_FALSE(out.timed_out);
  ASSERT_EQ(out.exit_code, 0) << out.stderr_text;
  std::string first_text = TempDir::Read(first);
  ASSERT_FALSE(first_text.empty());
  auto epochs = runtime::EpochLog::ReadFile(log_);
  ASSERT_TRUE(epochs.ok()) << epochs.status().message();
  EXPECT_GT(epochs->size(), 1u);

  auto replay =
      Subprocess::Run({kSluice, "run", "--replay", log_, sql}, {{"OUT", replayed}}, seconds(60));
  ASSERT_TRUE(replay.ok()) << replay.status().message();
  ASSERT_EQ(replay->exit_code, 0) << replay->stderr_text;
  EXPECT_EQ(TempDir::Read(replayed), first_text);
}

}  // namespace
}  // namespace sluice::cli::testing
