// The Nexmark generator alone: bids (all seven columns) generated into 4096-row batches on one
// thread. Prints events/s (items_per_second counts events of the stream, bids being 46 of 50).
//
//   build/bench/sluice_bench --benchmark_filter=Nexmark

#include <benchmark/benchmark.h>

#include "connectors/nexmark/nexmark_source.h"

namespace sluice {
namespace {

void BM_NexmarkBidGeneration(benchmark::State& state) {
  const int64_t events = state.range(0);
  std::vector<Field> fields;
  for (const auto& f : connectors::NexmarkGenerator::Fields(connectors::NexmarkTable::kBid)) {
    fields.push_back({f.name, f.kind == connectors::NexmarkGenerator::ValueKind::kString
                                  ? LogicalType::String()
                              : f.kind == connectors::NexmarkGenerator::ValueKind::kBigInt
                                  ? LogicalType::BigInt()
                                  : LogicalType::Timestamp(3)});
  }
  Schema schema(fields);
  int64_t rows = 0;
  for (auto _ : state) {
    auto source = connectors::NexmarkSource::Create(
        {{"connector", "nexmark"}, {"table", "bid"}, {"events.num", std::to_string(events)}}, "bid",
        std::make_shared<Schema>(schema), schema);
    if (!source.ok() || !(*source)->Open().ok()) {
      state.SkipWithError("cannot create the nexmark source");
      return;
    }
    while (!(*source)->Finished()) {
      auto batch = (*source)->Poll(4096);
      if (!batch.ok() || !batch->has_value()) break;
      rows += static_cast<int64_t>((**batch).batch->num_rows);
    }
  }
  state.SetItemsProcessed(state.iterations() * events);
  state.counters["bids"] = static_cast<double>(rows) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_NexmarkBidGeneration)->Arg(5'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sluice
