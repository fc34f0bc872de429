// Checkpoint cost of window state: 1M open (window, key) groups of a TUMBLE COUNT/SUM aggregate
// are saved (Operator::SaveState), written as a checkpoint file (temp file, fsync, rename, fsync of
// the directory) and restored into a fresh operator. Reports the checkpoint size and the time of
// each step.
//
//   build/bench/sluice_bench --benchmark_filter=Checkpoint

#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <string>

#include "expr/function_registry.h"
#include "runtime/checkpoint_store.h"
#include "runtime/window_aggregate_operator.h"
#include "sql/logical_plan.h"
#include "testing/temp_dir.h"

namespace sluice {
namespace {

SchemaPtr InputSchema() {
  return std::make_shared<Schema>(std::vector<Field>{{"k", LogicalType::BigInt()},
                                                     {"ts", LogicalType::Timestamp(3)},
                                                     {"v", LogicalType::BigInt()}});
}

// SELECT k, window_start, window_end, window_time, COUNT(*), SUM(v)
// FROM TABLE(TUMBLE(..., INTERVAL '1' HOUR)) GROUP BY k, window_start, window_end
sql::PlanNodePtr HourlyCountSum() {
  auto input = std::make_shared<sql::PlanNode>();
  input->kind = sql::PlanKind::kScan;
  input->schema = InputSchema();
  auto node = std::make_shared<sql::PlanNode>();
  node->kind = sql::PlanKind::kWindowAggregate;
  node->inputs = {input};
  node->window.kind = sql::WindowKind::kTumble;
  node->window.time_column = 1;
  node->window.size_ms = 3'600'000;
  node->window.step_ms = 3'600'000;
  node->group_keys = {sql::MakeColumnRef(0, LogicalType::BigInt())};
  sql::BoundAggregate count;
  count.function = "COUNT";
  count.count_star = true;
  count.type = LogicalType::BigInt().WithNullable(false);
  sql::BoundAggregate sum;
  sum.function = "SUM";
  sum.arg = sql::MakeColumnRef(2, LogicalType::BigInt());
  sum.type = LogicalType::BigInt();
  node->aggregates = {count, sum};
  node->schema =
      std::make_shared<Schema>(std::vector<Field>{{"k", LogicalType::BigInt()},
                                                  {"window_start", LogicalType::Timestamp(3)},
                                                  {"window_end", LogicalType::Timestamp(3)},
                                                  {"window_time", LogicalType::Timestamp(3)},
                                                  {"cnt", count.type},
                                                  {"total", sum.type}});
  return node;
}

// Feeds `keys` distinct keys (two rows each) into one open window.
void Fill(runtime::WindowAggregateOperator* op, int64_t keys) {
  constexpr int64_t kRows = 4096;
  for (int64_t first = 0; first < 2 * keys; first += kRows) {
    auto batch = std::make_shared<Batch>();
    batch->schema = InputSchema();
    auto k = std::make_shared<Column>(LogicalType::BigInt());
    auto ts = std::make_shared<Column>(LogicalType::Timestamp(3));
    auto v = std::make_shared<Column>(LogicalType::BigInt());
    const int64_t n = std::min(kRows, 2 * keys - first);
    for (int64_t i = first; i < first + n; ++i) {
      k->AppendInt(i % keys);
      ts->AppendInt(1'000 + i % 1'000'000);
      v->AppendInt(i);
    }
    batch->columns = {k, ts, v};
    batch->num_rows = static_cast<size_t>(n);
    if (!op->Process(batch, 0).ok()) return;
  }
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void BM_CheckpointOpenWindowKeys(benchmark::State& state) {
  const int64_t keys = state.range(0);
  expr::FunctionRegistry registry;
  auto node = HourlyCountSum();
  auto op = runtime::WindowAggregateOperator::Create(*node, registry);
  if (!op.ok()) return state.SkipWithError(op.status().ToString().c_str());
  Fill(op->get(), keys);
  testing::TempDir dir;
  auto store = runtime::CheckpointStore::Open(dir.path());
  if (!store.ok()) return state.SkipWithError(store.status().ToString().c_str());
  double save = 0, write = 0, restore = 0;
  size_t bytes = 0;
  int64_t epoch = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    runtime::StateEncoder out;
    if (!(*op)->SaveState(&out).ok()) return state.SkipWithError("SaveState failed");
    save += SecondsSince(start);
    start = std::chrono::steady_clock::now();
    auto written = (*store)->Write({EpochId(++epoch), "bench", std::move(out.data())});
    if (!written.ok()) return state.SkipWithError(written.status().ToString().c_str());
    write += SecondsSince(start);
    bytes = *written;
    start = std::chrono::steady_clock::now();
    auto loaded = (*store)->LoadLatest();
    auto fresh = runtime::WindowAggregateOperator::Create(*node, registry);
    if (!loaded.ok() || !loaded->has_value() || !fresh.ok()) return state.SkipWithError("load");
    runtime::StateDecoder in((*loaded)->payload, "bench");
    if (!(*fresh)->RestoreState(&in).ok()) return state.SkipWithError("RestoreState failed");
    restore += SecondsSince(start);
    if ((*fresh)->num_groups() != static_cast<size_t>(keys)) return state.SkipWithError("groups");
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["save_s"] = save / n;
  state.counters["write_fsync_s"] = write / n;
  state.counters["load_restore_s"] = restore / n;
}
BENCHMARK(BM_CheckpointOpenWindowKeys)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

}  // namespace
}  // namespace sluice
