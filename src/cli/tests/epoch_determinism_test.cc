// The unit-level determinism promise behind exactly-once into ClickHouse: an epoch replayed from
// the positions its log recorded produces byte-identical RowBinary blocks under the same
// (pipeline, sink, epoch, block) identity, so a server deduplicating identical blocks (or
// insert_deduplication_token) drops the repeat.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <tuple>

#include "cli/pipeline_loader.h"
#include "connectors/clickhouse/row_binary_encoder.h"
#include "runtime/pipeline.h"
#include "testing/temp_dir.h"

namespace sluice::cli::testing {
namespace {

using ::sluice::testing::TempDir;
using BlockId = std::tuple<std::string, int64_t, int>;  // sink, epoch, block
using Blocks = std::map<BlockId, std::string>;

// A sink that encodes every block as the ClickHouse sink would (RowBinary for Int64, String,
// DateTime64(3) and Float64 columns) and records it under its identity.
class RowBinaryRecorder : public runtime::SinkWriter {
 public:
  RowBinaryRecorder(std::string name, connectors::RowBinaryEncoder encoder, Blocks* blocks)
      : name_(std::move(name)), encoder_(std::move(encoder)), blocks_(blocks) {}

  // Set by a test: CommitEpoch of this epoch sets `stop` (a graceful stop mid-input).
  static inline int64_t stop_after_epoch = -1;
  static inline std::atomic<bool>* stop = nullptr;

  static Result<std::unique_ptr<runtime::SinkWriter>> Create(const runtime::SinkContext& context,
                                                             Blocks* blocks) {
    std::vector<connectors::RowBinaryEncoder::ColumnSpec> specs;
    for (size_t i = 0; i < context.input_schema->size(); ++i) {
      const Field& f = context.input_schema->field(i);
      const char* target = "Int64";
      if (f.type.physical() == PhysicalType::kString) target = "String";
      if (f.type.physical() == PhysicalType::kDouble) target = "Float64";
      if (f.type.id == TypeId::kTimestamp) target = "DateTime64(3)";
      ASSIGN_OR_RETURN(connectors::ClickHouseType type, connectors::ClickHouseType::Parse(target));
      specs.push_back({i, f.name, f.type.WithNullable(true), type});
    }
    ASSIGN_OR_RETURN(auto encoder, connectors::RowBinaryEncoder::Create(specs, context.sink_name));
    return std::unique_ptr<runtime::SinkWriter>(
        new RowBinaryRecorder(context.sink_name, std::move(encoder), blocks));
  }

  Status Open() override { return Status::Ok(); }
  Status Write(EpochId epoch, int block, const Batch& batch) override {
    std::string bytes;
    RETURN_IF_ERROR(encoder_.Encode(batch, &bytes));
    auto [it, inserted] = blocks_->emplace(BlockId{name_, epoch.value(), block}, bytes);
    if (!inserted) return Status::Internal("block written twice");
    return Status::Ok();
  }
  Status CommitEpoch(EpochId epoch) override {
    if (stop == nullptr || stop_after_epoch < 0) return Status::Ok();
    // A run to be stopped mid-input: a commit longer than the 1 ms epoch interval makes every
    // epoch after the first one poll (one batch of at most 9 rows), so epoch `stop_after_epoch`
    // ends before the input does however fast the machine reads.
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    if (epoch.value() == stop_after_epoch) stop->store(true);
    return Status::Ok();
  }
  Status Close() override { return Status::Ok(); }
  std::string Describe() const override { return "recorder"; }

 private:
  std::string name_;
  connectors::RowBinaryEncoder encoder_;
  Blocks* blocks_;
};

// Split `offset`'s events: one every 300 ms, every 6th 11 s older (late for its window, within
// the allowed lateness of 10 s or not depending on the watermark).
std::string Events(int64_t offset) {
  std::string out;
  for (int i = 0; i < 200; ++i) {
    int64_t ms = offset + 300 * i - (i % 6 == 5 ? 11000 : 0);
    char line[160];
    std::snprintf(line, sizeof line,
                  "{\"id\": %d, \"sym\": \"%c\", \"px\": %d.25, \"ts\": "
                  "\"2024-01-01T00:%02d:%02d.%03dZ\"}\n",
                  i, "XYZ"[i % 3], i, static_cast<int>(ms / 60000 % 60),
                  static_cast<int>(ms / 1000 % 60), static_cast<int>(ms % 1000));
    out += line;
  }
  return out;
}

class EpochDeterminismTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.File("in"));
    dir_.Write("in/a.json", Events(20000));
    dir_.Write("in/b.json", Events(20150));
    sql_ = dir_.Write("p.sql", R"sql(
SET 'pipeline.name' = 'determinism';
SET 'execution.batch-size' = '9';
SET 'execution.epoch-interval' = '1 ms';
SET 'table.exec.emit.allow-lateness' = '10 s';
CREATE TABLE trades (id BIGINT, sym STRING, px DOUBLE, ts TIMESTAMP(3),
                     WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = ')sql" +
                                   dir_.File("in") + R"sql(', 'format' = 'json');
CREATE TABLE raw (id BIGINT, sym STRING, px DOUBLE, ts TIMESTAMP(3)) WITH ('connector' = 'rec');
CREATE TABLE agg (sym STRING, ws TIMESTAMP(3), n BIGINT, total DOUBLE) WITH ('connector' = 'rec');
INSERT INTO raw SELECT id, sym, px, ts FROM trades WHERE id % 4 <> 1;
INSERT INTO agg SELECT sym, window_start, COUNT(*), SUM(px)
FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '5' SECOND))
GROUP BY sym, window_start, window_end;
)sql");
  }

  // Runs the pipeline (live, or replaying `log`) and returns the blocks its sinks received; a
  // failure of Run goes to `*failed` when given.
  Blocks Execute(const std::map<std::string, std::string>& sets, const std::string& log = "",
                 Status* failed = nullptr, int64_t stop_after_epoch = -1) {
    Blocks blocks;
    auto loaded = LoadPipeline(sql_, sets);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    if (!loaded.ok()) return blocks;
    loaded->connectors->RegisterSink("rec", [&blocks](const runtime::SinkContext& context) {
      return RowBinaryRecorder::Create(context, &blocks);
    });
    auto pipeline =
        runtime::Pipeline::Create(loaded->plan, *loaded->connectors, *loaded->functions);
    EXPECT_TRUE(pipeline.ok()) << pipeline.status().ToString();
    if (!pipeline.ok()) return blocks;
    std::atomic<bool> stop{false};
    RowBinaryRecorder::stop = &stop;
    RowBinaryRecorder::stop_after_epoch = stop_after_epoch;
    Status s = log.empty() ? (*pipeline)->Run(stop) : (*pipeline)->Replay(log);
    RowBinaryRecorder::stop = nullptr;
    if (failed != nullptr) {
      *failed = s;
    } else {
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    return blocks;
  }

  TempDir dir_;
  std::string sql_;
};

TEST_F(EpochDeterminismTest, ReplayedEpochsGiveByteIdenticalRowBinaryBlocks) {
  const std::string log = dir_.File("epochs.log");
  Blocks live = Execute({{"execution.epoch-log.path", log}, {"state.dir", dir_.File("state")}});
  // Many epochs, blocks of both sinks, and an epoch with several blocks.
  ASSERT_GT(live.size(), 20u);
  std::map<std::string, int> per_sink;
  int max_block = 0;
  for (const auto& [id, bytes] : live) {
    ++per_sink[std::get<0>(id)];
    max_block = std::max(max_block, std::get<2>(id));
  }
  EXPECT_EQ(per_sink.size(), 2u);
  EXPECT_GE(max_block, 1);

  Blocks replayed = Execute({}, log);
  ASSERT_EQ(replayed.size(), live.size());
  for (const auto& [id, bytes] : live) {
    auto it = replayed.find(id);
    ASSERT_NE(it, replayed.end()) << std::get<0>(id) << " epoch " << std::get<1>(id);
    EXPECT_EQ(it->second, bytes) << std::get<0>(id) << " epoch " << std::get<1>(id) << " block "
                                 << std::get<2>(id);
  }
}

// Rows of sink `sink` in `blocks` (each raw row is 8 + 2 + 8 + 8 bytes: id, a one-letter symbol
// as a length-prefixed string, px, ts).
size_t RawRows(const Blocks& blocks) {
  size_t bytes = 0;
  for (const auto& [id, data] : blocks) {
    if (std::get<0>(id) == "raw") bytes += data.size();
  }
  return bytes / 26;
}

TEST_F(EpochDeterminismTest, StoppedRunResumesFromItsStateAndAChangedPlanIsRefused) {
  const std::map<std::string, std::string> state = {{"state.dir", dir_.File("state")},
                                                    {"execution.checkpoint-interval", "1 ms"}};
  const size_t all = RawRows(Execute({}));  // a bounded run leaves no state behind
  EXPECT_EQ(all, 300u);                     // 400 events, id % 4 <> 1 keeps 3 of 4
  Blocks first = Execute(state, "", nullptr, /*stop_after_epoch=*/3);
  EXPECT_LT(RawRows(first), all);
  EXPECT_TRUE(std::filesystem::exists(dir_.File("state/RUNNING")));

  // Another plan (a different filter) must not pick up this state.
  const std::string original = TempDir::Read(sql_);
  std::string changed = original;
  changed.replace(changed.find("id % 4 <> 1"), 11, "id % 4 <> 2");
  dir_.Write("p.sql", changed);
  Status refused;
  Execute(state, "", &refused);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << refused.ToString();
  EXPECT_NE(refused.message().find("--fresh"), std::string::npos) << refused.ToString();

  // The same plan resumes where the stopped run ended: together the two runs wrote every row once.
  dir_.Write("p.sql", original);
  Blocks second = Execute(state);
  EXPECT_EQ(RawRows(first) + RawRows(second), all);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("state/RUNNING")));  // finished: state cleared

  // 'state.start-fresh' drops whatever state there is and reads everything again.
  Execute(state, "", nullptr, 2);
  auto fresh = state;
  fresh["state.start-fresh"] = "true";
  EXPECT_EQ(RawRows(Execute(fresh)), all);
}

}  // namespace
}  // namespace sluice::cli::testing
