// Throughput of the mysql-cdc source against a private MariaDB: a snapshot of 200,000 rows
// (chunked SELECTs by primary key) and the binlog of one UPDATE of all of them (200,000 row
// changes, 400,000 changelog rows -U/+U), decoded into batches of 4096 rows.
//
//   build/bench/sluice_bench --benchmark_filter=MySqlCdc

#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "connectors/mysql/mysql_cdc_source.h"
#include "testing/mariadb_server.h"

namespace sluice {
namespace {

constexpr int kRows = 200000;

// Reads from `source` until `rows` rows came; returns the seconds it took.
double ReadRows(connectors::MySqlCdcSource* source, size_t rows) {
  size_t seen = 0;
  auto start = std::chrono::steady_clock::now();
  while (seen < rows) {
    auto batch = source->Poll(4096);
    if (!batch.ok()) break;
    if (*batch) seen += (*batch)->batch->num_rows;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void BM_MySqlCdcSnapshotAndBinlog(benchmark::State& state) {
  testing::MariaDbServer server;
  if (!server.Start().ok()) return state.SkipWithError("MariaDB did not start");
  auto created = server.Query(
      "CREATE TABLE test.bench (id INT PRIMARY KEY, name VARCHAR(40), "
      "price DECIMAL(10, 2), qty INT, ts DATETIME(3))");
  // 1000 x (kRows / 1000) rows: MariaDB stops a recursive CTE after 1000 iterations.
  const std::string thousand =
      "(WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 999) "
      "SELECT n FROM s)";
  auto filled = server.Query(
      "INSERT INTO test.bench SELECT a.n * 1000 + b.n + 1, CONCAT('name-', b.n), b.n / 100, "
      "b.n % 100, NOW(3) FROM " +
      thousand + " a, " + thousand + " b WHERE a.n < " + std::to_string(kRows / 1000));
  if (!created.ok() || !filled.ok()) {
    return state.SkipWithError((created.ok() ? filled : created).status().ToString().c_str());
  }
  std::map<std::string, std::string> options = {
      {"hostname", "127.0.0.1"}, {"port", std::to_string(server.port())},
      {"username", "root"},      {"database-name", "test"},
      {"table-name", "bench"},   {"server-id", "7100"}};
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"id", LogicalType::BigInt()},
                                                            {"name", LogicalType::String()},
                                                            {"price", LogicalType::Decimal(10, 2)},
                                                            {"qty", LogicalType::Int()},
                                                            {"ts", LogicalType::Timestamp(3)}});
  std::vector<connectors::MySqlBatchBuilder::Field> fields;
  for (const auto& f : schema->fields()) fields.push_back({{}, f.name});
  for (auto _ : state) {
    connectors::MySqlCdcSource source("bench", *connectors::MySqlCdcOptions::Parse(options), schema,
                                      fields, nullptr);
    if (!source.Open().ok()) return state.SkipWithError("open failed");
    const double snapshot_s = ReadRows(&source, kRows);
    if (!server.Query("UPDATE test.bench SET qty = qty + 1").ok()) {
      return state.SkipWithError("update failed");
    }
    const double binlog_s = ReadRows(&source, 2 * kRows);
    state.counters["snapshot_rows_per_s"] = kRows / snapshot_s;
    state.counters["binlog_changes_per_s"] = kRows / binlog_s;
    state.counters["binlog_changelog_rows_per_s"] = 2 * kRows / binlog_s;
  }
}
BENCHMARK(BM_MySqlCdcSnapshotAndBinlog)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
}  // namespace sluice
