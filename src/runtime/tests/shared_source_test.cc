// Every scan of one source table shares one reader (a statement set reads its source once): each
// job sees every row, with its own projection and pushed-down filter, records and bad records are
// counted once per table, and the shared source replays from its epoch log.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "expr/function_registry.h"
#include "runtime/pipeline.h"
#include "runtime/tests/collecting_operator.h"
#include "sql/parser.h"
#include "sql/planner.h"

namespace sluice::runtime {
namespace {

struct OrderRow {
  int64_t id;
  int64_t amount;
  std::string extra;
  std::string note;
  std::optional<int64_t> ts;
};

// Two splits of orders; split 1 holds one row without an event time (a bad record).
const std::vector<std::vector<OrderRow>> kSplits = {
    {{1, 5, "x", "a", 1000}, {2, 20, "x", "b", 2000}, {3, 30, "x", "c", 12000}},
    {{4, 40, "x", "d", 3000}, {6, 50, "x", "f", std::nullopt}, {5, 1, "x", "e", 15000}},
};

// Reads kSplits, one split per Poll, decoding only the stored columns it is asked for. Positions
// are row counts.
class MemorySource : public SourceReader {
 public:
  explicit MemorySource(const SourceContext& context)
      : schema_(context.decoded_schema), columns_(context.decoded_columns) {}

  Status Open() override { return Status::Ok(); }
  Result<std::optional<SourceBatch>> Poll(size_t /*max_rows*/) override {
    for (size_t s = 0; s < kSplits.size(); ++s) {
      if (next_[s] < kSplits[s].size()) {
        return std::optional<SourceBatch>(Read(s, kSplits[s].size()));
      }
    }
    return std::optional<SourceBatch>();
  }
  Result<SourceBatch> ReadUntil(SplitId split, const std::string& end_position) override {
    return Read(static_cast<size_t>(split.value()), std::stoul(end_position));
  }
  bool Finished() const override {
    return next_[0] == kSplits[0].size() && next_[1] == kSplits[1].size();
  }
  size_t num_splits() const override { return kSplits.size(); }
  std::string split_name(SplitId split) const override {
    return "split-" + std::to_string(split.value());
  }

 private:
  SourceBatch Read(size_t split, size_t end) {
    auto batch = std::make_shared<Batch>();
    batch->schema = schema_;
    for (size_t c = 0; c < columns_.size(); ++c) {
      auto column = std::make_shared<Column>(schema_->field(c).type);
      for (size_t r = next_[split]; r < end; ++r)
        AppendCell(kSplits[split][r], columns_[c], column.get());
      batch->columns.push_back(column);
    }
    batch->num_rows = end - next_[split];
    next_[split] = end;
    return SourceBatch{SplitId(static_cast<int64_t>(split)), batch, std::to_string(end)};
  }
  static void AppendCell(const OrderRow& row, size_t stored_column, Column* column) {
    switch (stored_column) {
      case 0:
        return column->AppendInt(row.id);
      case 1:
        return column->AppendInt(row.amount);
      case 2:
        return column->AppendString(row.extra);
      case 3:
        return column->AppendString(row.note);
      default:
        return row.ts ? column->AppendInt(*row.ts) : column->AppendNull();
    }
  }

  SchemaPtr schema_;
  std::vector<size_t> columns_;
  size_t next_[2] = {0, 0};
};

// Records every row written, rendered as text, per sink.
class CollectSink : public SinkWriter {
 public:
  explicit CollectSink(std::vector<std::string>* rows) : rows_(rows) {}
  Status Open() override { return Status::Ok(); }
  Status Write(EpochId /*epoch*/, int /*block*/, const Batch& batch) override {
    for (size_t r = 0; r < batch.num_rows; ++r) {
      std::string text;
      for (size_t c = 0; c < batch.columns.size(); ++c) {
        text += (c ? "," : "") + CollectingOperator::Cell(batch.column(c), r);
      }
      rows_->push_back(text);
    }
    return Status::Ok();
  }
  Status CommitEpoch(EpochId /*epoch*/) override { return Status::Ok(); }
  Status Close() override { return Status::Ok(); }
  std::string Describe() const override { return "collect"; }

 private:
  std::vector<std::string>* rows_;
};

constexpr char kScript[] = R"sql(
SET 'state.dir' = '';
CREATE TABLE orders (id BIGINT, amount BIGINT, extra STRING, note STRING, ts BIGINT,
  rt AS TO_TIMESTAMP_LTZ(ts, 3), WATERMARK FOR rt AS rt - INTERVAL '1' SECOND
) WITH ('connector' = 'memory');
CREATE TABLE big (id BIGINT) WITH ('connector' = 'collect');
CREATE TABLE notes (id BIGINT, note STRING) WITH ('connector' = 'collect');
CREATE TABLE twice (id BIGINT) WITH ('connector' = 'collect');
CREATE TABLE counts (n BIGINT) WITH ('connector' = 'collect');
INSERT INTO big SELECT id FROM orders WHERE amount > 10;
INSERT INTO notes SELECT id, note FROM orders;
INSERT INTO twice SELECT id FROM orders UNION ALL SELECT id FROM orders;
INSERT INTO counts SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(rt),
  INTERVAL '10' SECOND)) GROUP BY window_start, window_end;
)sql";

class SharedSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    connectors_.RegisterSource("memory", [this](const SourceContext& context) {
      ++readers_created_;
      read_columns_ = context.decoded_columns;
      return Result<std::unique_ptr<SourceReader>>(std::make_unique<MemorySource>(context));
    });
    connectors_.RegisterSink("collect", [this](const SinkContext& context) {
      return Result<std::unique_ptr<SinkWriter>>(
          std::make_unique<CollectSink>(&rows_[context.table->name]));
    });
  }

  std::unique_ptr<Pipeline> Create(const std::map<std::string, std::string>& settings) {
    auto script = sql::ParseScript(kScript, "");
    EXPECT_TRUE(script.ok()) << script.status().ToString();
    auto plan = sql::PlanScript(*script, functions_, settings);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    auto pipeline = Pipeline::Create(*plan, connectors_, functions_);
    EXPECT_TRUE(pipeline.ok()) << pipeline.status().ToString();
    return std::move(*pipeline);
  }

  std::vector<std::string> Sorted(const std::string& sink) {
    std::vector<std::string> rows = rows_[sink];
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  void ExpectEveryJobSawEveryRow() {
    // amount > 10, rowtime not NULL: 2, 3, 4 (6 has no event time).
    EXPECT_EQ(Sorted("big"), (std::vector<std::string>{"2", "3", "4"}));
    EXPECT_EQ(Sorted("notes"), (std::vector<std::string>{"1,a", "2,b", "3,c", "4,d", "5,e"}));
    EXPECT_EQ(Sorted("twice"),
              (std::vector<std::string>{"1", "1", "2", "2", "3", "3", "4", "4", "5", "5"}));
    // [0 s, 10 s): ts 1000, 2000, 3000; [10 s, 20 s): ts 12000, 15000.
    EXPECT_EQ(Sorted("counts"), (std::vector<std::string>{"2", "3"}));
  }

  expr::FunctionRegistry functions_;
  ConnectorRegistry connectors_;
  int readers_created_ = 0;
  std::vector<size_t> read_columns_;
  std::map<std::string, std::vector<std::string>> rows_;
};

TEST_F(SharedSourceTest, OneReaderFeedsEveryScanOfTheTable) {
  auto pipeline = Create({});
  ASSERT_NE(pipeline, nullptr);
  EXPECT_EQ(readers_created_, 1);
  // The union of what the scans read: id, amount, note, ts; 'extra' (stored column 2) by none.
  EXPECT_EQ(read_columns_, (std::vector<size_t>{0, 1, 3, 4}));
  std::atomic<bool> stop{false};
  ASSERT_TRUE(pipeline->Run(stop).ok());
  ExpectEveryJobSawEveryRow();
  EXPECT_EQ(pipeline->stats().records_in, 6);  // read once, not once per scan
  EXPECT_EQ(pipeline->stats().bad_records, 1);
  EXPECT_NE(
      pipeline->Describe().find(
          "Source[orders]: 2 split(s), read once for 5 scans (jobs big, notes, twice, counts)"),
      std::string::npos)
      << pipeline->Describe();
  EXPECT_EQ(pipeline->snapshot().sources.size(), 1u);
}

TEST_F(SharedSourceTest, ReplayOfTheSharedSourceLogGivesTheSameRows) {
  const std::string log = (std::filesystem::temp_directory_path() /
                           ("sluice-shared-source-" + std::to_string(getpid()) + ".log"))
                              .string();
  std::filesystem::remove(log);
  std::atomic<bool> stop{false};
  ASSERT_TRUE(Create({{"execution.epoch-log.path", log}})->Run(stop).ok());
  ExpectEveryJobSawEveryRow();
  rows_.clear();
  auto replayed = Create({});
  ASSERT_TRUE(replayed->Replay(log).ok());
  ExpectEveryJobSawEveryRow();
  EXPECT_EQ(replayed->stats().records_in, 6);
  std::filesystem::remove(log);
}

}  // namespace
}  // namespace sluice::runtime
