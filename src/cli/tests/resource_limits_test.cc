// 'pipeline.max-memory' against a key explosion: `sluice run` groups 10 million distinct generated
// keys (unpaced) with an unbounded GROUP BY. With a 128 MB bound the run stops with exit code 1
// and a message naming the limit, the state it reached and the operator and job holding it;
// the same pipeline over 200,000 keys stays under the bound and completes, while a 4 MB bound
// stops it too (the accounting follows the keys, it is not a fixed threshold).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
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

TEST(ResourceLimitsTest, ABadLimitIsRefusedAtStart) {
  TempDir dir;
  Outcome o = RunKeys(dir, 10, "lots");
  EXPECT_EQ(o.out.exit_code, 2) << o.out.stderr_text;
  EXPECT_NE(o.out.stderr_text.find("SET 'pipeline.max-memory'"), std::string::npos)
      << o.out.stderr_text;
}

}  // namespace
}  // namespace sluice::cli::testing
