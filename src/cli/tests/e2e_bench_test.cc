// `sluice bench e2e`'s runs on a small input: the bench/e2e pipeline plans and runs with `sluice
// run` against a ClickHouse 18.16 server the bench starts, ClickHouse's own views and the
// RowBinary ceiling fill their tables, and every count read back equals the one computed from the
// generated orders (E2eBench::Run fails otherwise).

#include "cli/e2e_bench.h"

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace sluice::cli {
namespace {

TEST(E2eBenchTest, EveryRunWritesTheGeneratedOrdersIntoClickHouse) {
  ::sluice::testing::TempDir dir;
  E2eBenchOptions options;
  options.orders = 20'000;
  options.seed = 7;
  options.bench_dir = SLUICE_SOURCE_DIR "/bench/e2e";
  options.work_dir = dir.path() + "/e2e";
  options.sluice_binary = SLUICE_BINARY_DIR "/src/cli/sluice";
  E2eBench bench(options);
  Status st = bench.Run();
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_EQ(bench.runs().size(), 3u);
  EXPECT_EQ(bench.runs()[0].name, "sluice");
  for (const E2eRun& run : bench.runs()) {
    EXPECT_EQ(run.rows, 20'000) << run.name;
    EXPECT_GT(run.wall_seconds, 0) << run.name;
    EXPECT_GT(run.client_peak_rss_kb, 0) << run.name;
  }
  // 20,000 orders at one per millisecond: 20 s of event time, all in the first 5-minute window,
  // one row per symbol traded.
  EXPECT_NE(bench.runs()[0].detail.find("order_aggregations 8 rows"), std::string::npos)
      << bench.runs()[0].detail;
  std::string table = E2eBench::FormatTable(bench.runs());
  EXPECT_NE(table.find("sluice rows/s vs the ceiling"), std::string::npos) << table;
}

}  // namespace
}  // namespace sluice::cli
