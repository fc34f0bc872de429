// Throughput of the ClickHouse sink against its ceiling, measured in the same run on a private
// clickhouse-server (sluice_testing): 1M rows x 8 columns (Int64, Int32, String, Float64, UInt32,
// DateTime, Date, String) in 4096-row batches, uncompressed on both sides.
//
//   sink:    ClickHouseSink::Write for every batch + CommitEpoch (encoding included), 100k-row
//            INSERTs as 'sink.batch-size' makes them; one sink (opened beforehand) writes one
//            epoch per round, as in a running pipeline;
//   ceiling: the same rows encoded as RowBinary once, beforehand, and POSTed with libcurl in the
//            same INSERT sizes over one keep-alive connection (what a perfect client would do).
//
//   build/bench/sluice_bench --benchmark_filter=ClickHouse
//
// Each side runs kRounds times into a truncated table, alternating which goes first; the medians
// count (the best runs are printed too). Prints both rates and sink / ceiling, and the encoding
// alone (no server) as BM_RowBinaryEncode:
//
//   build/bench/sluice_bench --benchmark_filter=RowBinaryEncode

#include <benchmark/benchmark.h>
#include <curl/curl.h>
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/logging.h"
#include "connectors/clickhouse/clickhouse_sink.h"
#include "connectors/clickhouse/clickhouse_table_schema.h"
#include "connectors/clickhouse/row_binary_encoder.h"
#include "testing/clickhouse_server.h"
#include "types/batch.h"

namespace sluice {
namespace {

using connectors::ClickHouseSink;
using connectors::ClickHouseSinkOptions;

constexpr int64_t kRows = 1'000'000;
constexpr int kRounds = 5;
constexpr size_t kBatchRows = 4096;
constexpr int64_t kInsertRows = 100'000;
constexpr const char* kColumns =
    "id Int64, user_id Int32, symbol String, price Float64, quantity UInt32, ts DateTime, "
    "day Date, note String";

std::vector<std::shared_ptr<Batch>> MakeBatches(int64_t rows) {
  static const char* const kSymbols[] = {"AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "GOOG"};
  auto schema = std::make_shared<Schema>();
  schema->Add({"id", LogicalType::BigInt()});
  schema->Add({"user_id", LogicalType::Int()});
  schema->Add({"symbol", LogicalType::String()});
  schema->Add({"price", LogicalType::Double()});
  schema->Add({"quantity", LogicalType::Int()});
  schema->Add({"ts", LogicalType::Timestamp(3)});
  schema->Add({"day", LogicalType::Date()});
  schema->Add({"note", LogicalType::String()});
  std::vector<std::shared_ptr<Batch>> batches;
  uint64_t x = 88172645463325252ull;
  for (int64_t start = 0; start < rows; start += kBatchRows) {
    size_t n = static_cast<size_t>(std::min<int64_t>(kBatchRows, rows - start));
    std::vector<std::shared_ptr<Column>> c;
    for (const Field& f : schema->fields()) c.push_back(std::make_shared<Column>(f.type));
    for (size_t i = 0; i < n; ++i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      int64_t id = start + static_cast<int64_t>(i);
      c[0]->AppendInt(id);
      c[1]->AppendInt(static_cast<int64_t>(x % 100000));
      c[2]->AppendString(kSymbols[x % 6]);
      c[3]->AppendDouble(static_cast<double>(x % 1000000) / 100.0);
      c[4]->AppendInt(static_cast<int64_t>(x % 5000));
      c[5]->AppendInt(1'700'000'000'000 + id * 10);
      c[6]->AppendInt(19000 + (id >> 16));
      c[7]->AppendString(fmt::format("order {} of user {}", id, x % 100000));
    }
    auto batch = std::make_shared<Batch>();
    batch->schema = schema;
    batch->columns.assign(c.begin(), c.end());
    batch->num_rows = n;
    batches.push_back(std::move(batch));
  }
  return batches;
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

// POSTs each pre-encoded chunk as one INSERT over one keep-alive connection; returns seconds.
double PostChunks(const std::string& url, const std::vector<std::string>& chunks, bool* ok) {
  std::string query = "INSERT INTO bench.t FORMAT RowBinary";
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  char* escaped = curl_easy_escape(curl.get(), query.c_str(), static_cast<int>(query.size()));
  std::string target = url + "/?query=" + escaped;
  curl_free(escaped);
  struct curl_slist* headers = curl_slist_append(nullptr, "Expect:");
  auto begin = std::chrono::steady_clock::now();
  for (const std::string& chunk : chunks) {
    curl_easy_setopt(curl.get(), CURLOPT_URL, target.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, chunk.data());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(chunk.size()));
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Discard);
    long status = 0;
    if (curl_easy_perform(curl.get()) != CURLE_OK) *ok = false;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) *ok = false;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  curl_slist_free_all(headers);
  return seconds;
}

// The sink's encoder for the bench's columns into `table` (target types as DESCRIBE prints them).
Result<connectors::RowBinaryEncoder> MakeEncoder(const Schema& schema,
                                                 const std::vector<std::string>& targets) {
  std::vector<connectors::RowBinaryEncoder::ColumnSpec> specs;
  for (size_t i = 0; i < schema.size(); ++i) {
    ASSIGN_OR_RETURN(auto type, connectors::ClickHouseType::Parse(targets[i]));
    specs.push_back({i, schema.field(i).name, schema.field(i).type, type});
  }
  return connectors::RowBinaryEncoder::Create(specs, "bench.t");
}

// Encodes the batches with the sink's encoder, cut where the sink cuts (at >= 100k rows).
Result<std::vector<std::string>> EncodeChunks(const std::string& url,
                                              const std::vector<std::shared_ptr<Batch>>& batches) {
  connectors::ClickHouseHttpClient client(url, "", "", 60000);
  ASSIGN_OR_RETURN(auto table, connectors::ClickHouseTableSchema::Load(&client, "bench", "t"));
  std::vector<std::string> targets;
  for (const auto& column : table.columns()) targets.push_back(column.type_spelling);
  ASSIGN_OR_RETURN(auto encoder, MakeEncoder(*batches[0]->schema, targets));
  std::vector<std::string> chunks(1);
  int64_t rows = 0;
  for (const auto& batch : batches) {
    RETURN_IF_ERROR(encoder.Encode(*batch, &chunks.back()));
    rows += static_cast<int64_t>(batch->num_rows);
    if (rows >= kInsertRows) {
      chunks.emplace_back();
      rows = 0;
    }
  }
  if (chunks.back().empty()) chunks.pop_back();
  return chunks;
}

// CPU seconds (user + system) this process has used, all threads.
double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::string Seconds(const std::vector<double>& v) {
  std::string out;
  for (double s : v) out += fmt::format("{}{:.3f}", out.empty() ? "" : " ", s);
  return out;
}

std::unique_ptr<ClickHouseSink> OpenSink(const std::string& url, const SchemaPtr& schema,
                                         bool* ok) {
  ClickHouseSinkOptions options;
  options.url = url;
  options.database = "bench";
  options.table = "t";
  options.batch_size = kInsertRows;
  options.batch_bytes = int64_t{1} << 30;
  std::vector<std::string> names;
  for (const Field& f : schema->fields()) names.push_back(f.name);
  auto sink = std::make_unique<ClickHouseSink>(options, schema, names, "bench", "sink");
  if (!sink->Open().ok()) *ok = false;
  return sink;
}

// Writes every batch as epoch `epoch` and commits it, as a running pipeline does each epoch.
double RunSink(ClickHouseSink* sink, const std::vector<std::shared_ptr<Batch>>& batches,
               int64_t epoch, bool* ok) {
  auto begin = std::chrono::steady_clock::now();
  for (const auto& batch : batches) {
    if (!sink->Write(EpochId(epoch), 0, *batch).ok()) *ok = false;
  }
  if (!sink->CommitEpoch(EpochId(epoch)).ok()) *ok = false;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

void BM_ClickHouseSinkVsCeiling(benchmark::State& state) {
  SetLogLevel(LogLevel::kWarn);
  testing::ClickHouseServer server;
  Status started = server.Start();
  if (!started.ok()) {
    state.SkipWithError(started.ToString().c_str());
    return;
  }
  auto check = [&](const std::string& sql) { return server.Query(sql).ok(); };
  if (!check("CREATE DATABASE bench") ||
      !check(fmt::format("CREATE TABLE bench.t ({}) ENGINE = MergeTree ORDER BY id", kColumns))) {
    state.SkipWithError("cannot create bench.t");
    return;
  }
  std::vector<std::shared_ptr<Batch>> batches = MakeBatches(kRows);
  auto chunks = EncodeChunks(server.url(), batches);
  if (!chunks.ok()) {
    state.SkipWithError(chunks.status().ToString().c_str());
    return;
  }
  size_t bytes = 0;
  for (const auto& c : *chunks) bytes += c.size();
  std::vector<double> sink_s, ceiling_s, sink_cpu, ceiling_cpu;
  bool ok = true;
  // One sink for every round (one epoch each), as one pipeline keeps its sink: the first round
  // includes the sink's buffers being allocated.
  std::unique_ptr<ClickHouseSink> sink = OpenSink(server.url(), batches[0]->schema, &ok);
  for (auto _ : state) {
    for (int round = 0; round < kRounds; ++round) {
      for (int side = 0; side < 2; ++side) {
        ok = ok && check("TRUNCATE TABLE bench.t");
        double cpu = ProcessCpuSeconds();
        if ((side + round) % 2 == 0) {
          ceiling_s.push_back(PostChunks(server.url(), *chunks, &ok));
          ceiling_cpu.push_back(ProcessCpuSeconds() - cpu);
        } else {
          sink_s.push_back(RunSink(sink.get(), batches, round + 1, &ok));
          sink_cpu.push_back(ProcessCpuSeconds() - cpu);
        }
      }
    }
  }
  auto count = server.Query("SELECT count() FROM bench.t FORMAT TabSeparated");
  if (!ok || !count.ok() || (*count != fmt::format("{}\n", kRows))) {
    state.SkipWithError("an INSERT failed or the table does not hold every row");
    return;
  }
  const double rows = static_cast<double>(kRows);
  double sink_rate = rows / Median(sink_s), ceiling_rate = rows / Median(ceiling_s);
  double best_sink = rows / *std::min_element(sink_s.begin(), sink_s.end());
  double best_ceiling = rows / *std::min_element(ceiling_s.begin(), ceiling_s.end());
  state.counters["sink_rows_per_s"] = sink_rate;
  state.counters["ceiling_rows_per_s"] = ceiling_rate;
  state.counters["ratio"] = sink_rate / ceiling_rate;
  std::printf(
      "clickhouse sink: %.0f rows/s; ceiling (pre-encoded RowBinary POSTed with libcurl): %.0f "
      "rows/s; sink/ceiling = %.2f (medians of %d; best runs %.0f / %.0f = %.2f); %zu INSERTs, "
      "%.1f MB RowBinary, no compression on either side\n  sink s: %s (client CPU s: %s)\n  "
      "ceiling s: %s (client CPU s: %s)\n",
      sink_rate, ceiling_rate, sink_rate / ceiling_rate, kRounds, best_sink, best_ceiling,
      best_sink / best_ceiling, chunks->size(), static_cast<double>(bytes) / 1e6,
      Seconds(sink_s).c_str(), Seconds(sink_cpu).c_str(), Seconds(ceiling_s).c_str(),
      Seconds(ceiling_cpu).c_str());
}

BENCHMARK(BM_ClickHouseSinkVsCeiling)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// The RowBinary encoding alone (no server, no sink): the bench's rows into the table's types,
// appended to one reused buffer (10 x 100k rows). Small enough for callgrind (one line):
//   valgrind --tool=callgrind --toggle-collect='*RowBinaryEncoder::Encode*'
//     build/bench/sluice_bench --benchmark_filter=RowBinaryEncode
void BM_RowBinaryEncode(benchmark::State& state) {
  std::vector<std::shared_ptr<Batch>> batches = MakeBatches(state.range(0));
  auto encoder = MakeEncoder(*batches[0]->schema, {"Int64", "Int32", "String", "Float64", "UInt32",
                                                   "DateTime", "Date", "String"});
  if (!encoder.ok()) {
    state.SkipWithError(encoder.status().ToString().c_str());
    return;
  }
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (const auto& batch : batches) {
      if (!encoder->Encode(*batch, &out).ok()) state.SkipWithError("encoding failed");
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(out.size()));
}

BENCHMARK(BM_RowBinaryEncode)->Arg(100'000)->Iterations(10)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sluice
