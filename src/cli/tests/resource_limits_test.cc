// 'pipeline.max-memory' against a key explosion: `sluice run` groups 10 million distinct generated
// keys (unpaced) with an unbounded GROUP BY. With a 128 MB bound the run stops with exit code 1
// and a message naming the limit, the state it reached and the operator and job holding it;
// the same pipeline over 200,000 keys stays under the bound and completes, while a 4 MB bound
// stops it too (the accounting follows the keys, it is not a fixed threshold). The bound also
// covers buffered data: output waiting in a sink for its epoch's end makes the epoch end early
// (sources paused while the sinks drain) instead of failing, and rows an OVER aggregation holds
// until the watermark passes them stop the run naming that operator. Sink output also ends an
// epoch at 'execution.epoch-max-output', without pausing the sources.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include "cli/tests/subprocess.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::TempDir;
using std::chrono::seconds;

const char* const kSluice = SLUICE_BINARY_DIR "/src/cli/sluice";

std::string KeyExplosion(int64_t keys, const std::string& limit) {
  return R"sql(SET 'pipeline.name' = 'keys';
SET 'state.dir' = '';
SET 'pipeline.max-memory' = ')sql" +
         limit + R"sql(';
CREATE TABLE gen (k BIGINT) WITH (
  'connector' = 'datagen', 'rows-per-second' = '0',
  'fields.k.kind' = 'sequence', 'fields.k.start' = '0', 'fields.k.end' = ')sql" +
         std::to_string(keys - 1) + R"sql(');
CREATE TABLE counts (k BIGINT, n BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO counts SELECT k, COUNT(*) FROM gen GROUP BY k;
)sql";
}

struct Outcome {
  SubprocessOutput out;
  double seconds = 0;
};

Outcome RunKeys(const TempDir& dir, int64_t keys, const std::string& limit) {
  const auto start = std::chrono::steady_clock::now();
  auto run = Subprocess::Run({kSluice, "run", dir.Write("keys.sql", KeyExplosion(keys, limit))}, {},
                             seconds(120));
  EXPECT_TRUE(run.ok());
  Outcome o;
  if (run.ok()) o.out = *run;
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return o;
}

TEST(ResourceLimitsTest, KeyExplosionStopsAtTheMemoryLimitNamingTheOperator) {
  TempDir dir;
  Outcome o = RunKeys(dir, 10'000'000, "128 mb");
  std::printf("10M keys, 'pipeline.max-memory' = 128 mb: exit %d after %.1f s: %s\n",
              o.out.exit_code, o.seconds, o.out.stderr_text.c_str());
  EXPECT_FALSE(o.out.timed_out);
  EXPECT_EQ(o.out.exit_code, 1) << o.out.stderr_text;
  const std::string& err = o.out.stderr_text;
  EXPECT_NE(err.find("over 'pipeline.max-memory' = 128.0 MB"), std::string::npos) << err;
  EXPECT_NE(err.find("operator state holds "), std::string::npos) << err;
  EXPECT_NE(err.find("in GroupAggregate[keys=1, aggregates=1] of job 'counts'"), std::string::npos)
      << err;
}

TEST(ResourceLimitsTest, StateUnderTheLimitCompletesAndTheLimitFollowsTheKeys) {
  TempDir dir;
  Outcome fits = RunKeys(dir, 200'000, "128 mb");
  EXPECT_EQ(fits.out.exit_code, 0) << fits.out.stderr_text;
  Outcome tight = RunKeys(dir, 200'000, "4 mb");
  EXPECT_EQ(tight.out.exit_code, 1) << tight.out.stderr_text;
  EXPECT_NE(tight.out.stderr_text.find("over 'pipeline.max-memory' = 4.0 MB"), std::string::npos)
      << tight.out.stderr_text;
}

/// A pipeline copying `rows` unpaced generated rows (an id and 100 characters) into
/// ${DIR}/out.csv in hour-long epochs, with the SET statements `settings` added.
std::string CopyRowsSql(int64_t rows, const std::string& settings) {
  return R"sql(SET 'pipeline.name' = 'copy';
SET 'state.dir' = '';
SET 'execution.epoch-interval' = '1 h';
)sql" + settings +
         R"sql(CREATE TABLE gen (id BIGINT, v STRING) WITH (
  'connector' = 'datagen', 'rows-per-second' = '0', 'fields.id.kind' = 'sequence',
  'fields.id.start' = '0', 'fields.id.end' = ')sql" +
         std::to_string(rows - 1) + R"sql(', 'fields.v.length' = '100');
CREATE TABLE sunk (id BIGINT, v STRING)
WITH ('connector' = 'filesystem', 'path' = '${DIR}/out.csv', 'format' = 'csv');
INSERT INTO sunk SELECT id, v FROM gen;
)sql";
}

/// The lines of a CSV file whose first column is an id, and how many ids are distinct.
struct IdLines {
  int64_t lines = 0;
  size_t distinct = 0;
};

IdLines ReadIds(const std::string& path) {
  std::ifstream in(path);
  std::set<int64_t> ids;
  IdLines out;
  for (std::string line; std::getline(in, line); ++out.lines) ids.insert(std::stoll(line));
  out.distinct = ids.size();
  return out;
}

// 500,000 unpaced rows of ~120 bytes in one long epoch ('1 h') into a file: the sink's buffered
// output passes 8 MB many times; each time the epoch ends early and the sink writes it. The run
// completes with every row in the file once.
TEST(ResourceLimitsTest, SinkOutputOverTheLimitDrainsInsteadOfFailing) {
  TempDir dir;
  const std::string sql = CopyRowsSql(500'000, "SET 'pipeline.max-memory' = '8 mb';\n");
  auto run = Subprocess::Run({kSluice, "run", dir.Write("drain.sql", sql)}, {{"DIR", dir.path()}},
                             seconds(300));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 0) << run->stderr_text;
  EXPECT_NE(run->stderr_text.find("sources paused while the sinks drain"), std::string::npos)
      << run->stderr_text;
  const IdLines out = ReadIds(dir.File("out.csv"));
  EXPECT_EQ(out.lines, 500'000);
  EXPECT_EQ(out.distinct, 500'000u);
}

// 'execution.epoch-max-output': with hour-long epochs, sink output of 1 MB ends each epoch (the
// log holds one end marker per epoch), every row arrives once, and no drain is logged (the
// sources are not paused); 0 leaves the bounded input in one epoch.
int CountEpochsEndedWith(const TempDir& dir, const std::string& max_output) {
  const std::string sql =
      CopyRowsSql(200'000, "SET 'execution.epoch-max-output' = '" + max_output +
                               "';\nSET 'execution.epoch-log.path' = '${DIR}/epochs.log';\n");
  std::remove(dir.File("epochs.log").c_str());
  std::remove(dir.File("out.csv").c_str());
  auto run = Subprocess::Run({kSluice, "run", dir.Write("bounded.sql", sql)}, {{"DIR", dir.path()}},
                             seconds(300));
  EXPECT_TRUE(run.ok());
  if (!run.ok()) return -1;
  EXPECT_EQ(run->exit_code, 0) << run->stderr_text;
  EXPECT_EQ(run->stderr_text.find("sinks drain"), std::string::npos) << run->stderr_text;
  const IdLines out = ReadIds(dir.File("out.csv"));
  EXPECT_EQ(out.lines, 200'000);
  EXPECT_EQ(out.distinct, 200'000u);
  std::ifstream log(dir.File("epochs.log"));
  int epochs = 0;
  for (std::string line; std::getline(log, line);) epochs += line.rfind("E\t", 0) == 0;
  return epochs;
}

TEST(ResourceLimitsTest, SinkOutputOfEpochMaxOutputEndsTheEpoch) {
  TempDir dir;
  // 200,000 rows of over 100 bytes: over 20 MB of output, so many epochs of 1 MB.
  const int bounded = CountEpochsEndedWith(dir, "1 mb");
  EXPECT_GE(bounded, 10);
  const int unbounded = CountEpochsEndedWith(dir, "0");
  EXPECT_GE(unbounded, 1);
  EXPECT_LE(unbounded, 2);
  std::printf(
      "200,000 rows, 1 h epochs: %d epochs at 'execution.epoch-max-output' = 1 mb, %d at 0\n",
      bounded, unbounded);
}

// Rows held until the watermark passes them: the watermark trails the rows by 1000 days, so an
// OVER aggregation holds every row; over 16 MB the run stops naming the operator holding them.
TEST(ResourceLimitsTest, RowsHeldForTheWatermarkStopAtTheLimitNamingTheOperator) {
  TempDir dir;
  const std::string source = R"sql(SET 'pipeline.name' = 'held';
SET 'state.dir' = '';
SET 'pipeline.max-memory' = '16 mb';
CREATE TABLE gen (k BIGINT, v STRING, ts TIMESTAMP(3),
                  WATERMARK FOR ts AS ts - INTERVAL '1000' DAY) WITH (
  'connector' = 'datagen', 'rows-per-second' = '0', 'number-of-rows' = '2000000',
  'start-time' = '2026-01-01T00:00:00', 'fields.k.min' = '0', 'fields.k.max' = '9',
  'fields.v.length' = '32');
)sql";
  const std::string over = source + R"sql(
CREATE TABLE sunk (k BIGINT, v STRING, n BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO sunk SELECT k, v, COUNT(*) OVER (PARTITION BY k ORDER BY ts
  RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW) FROM gen;
)sql";
  auto run = Subprocess::Run({kSluice, "run", dir.Write("over.sql", over)}, {}, seconds(300));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 1) << run->stderr_text;
  const std::string& err = run->stderr_text;
  EXPECT_NE(err.find("over 'pipeline.max-memory' = 16.0 MB"), std::string::npos) << err;
  EXPECT_NE(err.find("in OverAggregate["), std::string::npos) << err;
  EXPECT_NE(err.find("of job 'sunk'"), std::string::npos) << err;
}

TEST(ResourceLimitsTest, ABadLimitIsRefusedAtStart) {
  TempDir dir;
  Outcome o = RunKeys(dir, 10, "lots");
  EXPECT_EQ(o.out.exit_code, 2) << o.out.stderr_text;
  EXPECT_NE(o.out.stderr_text.find("SET 'pipeline.max-memory'"), std::string::npos)
      << o.out.stderr_text;
}

}  // namespace
}  // namespace sluice::cli::testing
