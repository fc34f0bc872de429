// Interval join throughput and memory on one core: 1 M rows per side, 100 k keys, event time
// advancing 10 k rows/s per side with up to 1 s of disorder, watermark = max time - 1 s, ON
// a.k = b.k AND b.ts BETWEEN a.ts - 5 s AND a.ts + 5 s (LEFT JOIN), batches of 4096 rows
// alternating left and right, output to a counting operator. Reports rows/s (both sides) and
// the resident set size growth while the join ran (the held rows: about 10 s of each side).
//
//   build/bench/sluice_bench --benchmark_filter=IntervalJoin

#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

#include "runtime/interval_join_operator.h"

namespace sluice {
namespace {

constexpr int64_t kRowsPerSide = 1'000'000;
constexpr int64_t kKeys = 100'000;
constexpr size_t kBatch = 4096;

int64_t ResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

class CountingOperator : public runtime::Operator {
 public:
  Status Process(const BatchPtr& batch, size_t) override {
    rows += static_cast<int64_t>(batch->num_rows);
    return Status::Ok();
  }
  Status AdvanceWatermark(Watermark, size_t) override { return Status::Ok(); }
  Status Finish() override { return Status::Ok(); }
  std::string Describe() const override { return "Count"; }
  int64_t rows = 0;
};

SchemaPtr SideSchema() {
  return std::make_shared<Schema>(std::vector<Field>{{"k", LogicalType::BigInt()},
                                                     {"ts", LogicalType::Timestamp(3)},
                                                     {"v", LogicalType::BigInt()}});
}

/// Rows [first, first + n) of one side: key i * 7919 mod 100 k, time i / 10 ms with disorder.
BatchPtr SideBatch(int64_t first, size_t n, uint64_t seed, int64_t* max_time) {
  auto batch = std::make_shared<Batch>();
  batch->schema = SideSchema();
  auto k = std::make_shared<Column>(LogicalType::BigInt());
  auto ts = std::make_shared<Column>(LogicalType::Timestamp(3));
  auto v = std::make_shared<Column>(LogicalType::BigInt());
  for (size_t r = 0; r < n; ++r) {
    const int64_t i = first + static_cast<int64_t>(r);
    uint64_t x = static_cast<uint64_t>(i) * 6364136223846793005ull + seed;
    x ^= x >> 29;
    const int64_t t = i / 10 - static_cast<int64_t>(x % 1000);
    k->AppendInt((i * 7919) % kKeys);
    ts->AppendInt(t);
    v->AppendInt(i);
    batch->row_watermarks.push_back(*max_time - 1000);
    *max_time = std::max(*max_time, t);
  }
  batch->columns = {k, ts, v};
  batch->num_rows = n;
  return batch;
}

sql::PlanNodePtr JoinNode() {
  auto node = std::make_shared<sql::PlanNode>();
  node->kind = sql::PlanKind::kIntervalJoin;
  auto schema = std::make_shared<Schema>();
  for (int side = 0; side < 2; ++side) {
    auto input = std::make_shared<sql::PlanNode>();
    input->kind = sql::PlanKind::kScan;
    input->schema = SideSchema();
    for (const Field& f : input->schema->fields()) schema->Add({f.name, f.type.WithNullable(true)});
    node->inputs.push_back(input);
  }
  node->schema = schema;
  node->join.type = sql::JoinType::kLeft;
  node->join.left_keys = node->join.right_keys = {0};
  node->join.left_time = node->join.right_time = 1;
  node->join.lower_ms = -5000;
  node->join.upper_ms = 5000;
  return node;
}

void BM_IntervalJoin(benchmark::State& state) {
  // Input batches are built before timing.
  std::vector<BatchPtr> batches[2];
  int64_t max_time[2] = {INT64_MIN / 2, INT64_MIN / 2};
  for (int64_t first = 0; first < kRowsPerSide; first += kBatch) {
    size_t n = static_cast<size_t>(std::min<int64_t>(kBatch, kRowsPerSide - first));
    for (int side = 0; side < 2; ++side) {
      batches[side].push_back(
          SideBatch(first, n, side ? 0x9e3779b97f4a7c15ull : 1, &max_time[side]));
    }
  }
  int64_t out_rows = 0;
  double rss_growth = 0;
  for (auto _ : state) {
    const int64_t rss_before = ResidentBytes();
    CountingOperator out;
    auto op = runtime::IntervalJoinOperator::Create(*JoinNode()).value();
    op->SetOutput(&out, 0);
    int64_t peak = rss_before;
    for (size_t b = 0; b < batches[0].size(); ++b) {
      for (int side = 0; side < 2; ++side) {
        const Batch& batch = *batches[side][b];
        Status s = op->Process(batches[side][b], side);
        if (s.ok()) s = op->AdvanceWatermark(Watermark(batch.row_watermarks.back()), side);
        if (!s.ok()) {
          state.SkipWithError(s.ToString().c_str());
          return;
        }
      }
      if (b % 32 == 0) peak = std::max(peak, ResidentBytes());
    }
    (void)op->Finish();
    (void)op->Finish();
    out_rows = out.rows;
    rss_growth = static_cast<double>(peak - rss_before);
  }
  state.SetItemsProcessed(state.iterations() * 2 * kRowsPerSide);
  state.counters["output_rows"] = static_cast<double>(out_rows);
  state.counters["rss_growth_MB"] = rss_growth / (1024.0 * 1024.0);
}
BENCHMARK(BM_IntervalJoin)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace sluice
