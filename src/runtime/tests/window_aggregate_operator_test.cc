#include "runtime/window_aggregate_operator.h"

#include <gtest/gtest.h>

#include <optional>

#include "runtime/tests/collecting_operator.h"

namespace sluice::runtime {
namespace {

using Rows = std::vector<std::string>;

// Input columns: k BIGINT, ts TIMESTAMP(3), v BIGINT, buy BOOLEAN, sym STRING.
struct InRow {
  int64_t k;
  int64_t ts;
  int64_t v;
  std::optional<bool> buy = false;  // nullopt: NULL
  std::optional<std::string> sym = "x";
};

SchemaPtr InputSchema() {
  return std::make_shared<Schema>(std::vector<Field>{{"k", LogicalType::BigInt()},
                                                     {"ts", LogicalType::Timestamp(3)},
                                                     {"v", LogicalType::BigInt()},
                                                     {"buy", LogicalType::Boolean()},
                                                     {"sym", LogicalType::String()}});
}

BatchPtr MakeBatch(const std::vector<InRow>& rows, std::vector<int64_t> watermarks = {}) {
  auto batch = std::make_shared<Batch>();
  batch->schema = InputSchema();
  std::vector<std::shared_ptr<Column>> cols;
  for (const Field& f : batch->schema->fields()) cols.push_back(std::make_shared<Column>(f.type));
  for (const InRow& r : rows) {
    cols[0]->AppendInt(r.k);
    cols[1]->AppendInt(r.ts);
    cols[2]->AppendInt(r.v);
    if (r.buy)
      cols[3]->AppendBool(*r.buy);
    else
      cols[3]->AppendNull();
    if (r.sym)
      cols[4]->AppendString(*r.sym);
    else
      cols[4]->AppendNull();
  }
  batch->columns.assign(cols.begin(), cols.end());
  batch->num_rows = rows.size();
  batch->row_watermarks = std::move(watermarks);
  return batch;
}

/// SELECT <key>, window_start, window_end, window_time, COUNT(*), SUM(v),
///        COUNT(*) FILTER (WHERE buy) FROM TABLE(<window>(...)) GROUP BY <key>, window_start, ...
sql::PlanNodePtr WindowNode(sql::WindowKind kind, int64_t size, int64_t step, int64_t offset = 0,
                            size_t key_column = 0) {
  auto input = std::make_shared<sql::PlanNode>();
  input->kind = sql::PlanKind::kScan;
  input->schema = InputSchema();
  auto node = std::make_shared<sql::PlanNode>();
  node->kind = sql::PlanKind::kWindowAggregate;
  node->inputs = {input};
  node->window.kind = kind;
  node->window.time_column = 1;
  node->window.size_ms = size;
  node->window.step_ms = step;
  node->window.offset_ms = offset;
  const Field& key = input->schema->field(key_column);
  node->group_keys = {sql::MakeColumnRef(key_column, key.type)};
  sql::BoundAggregate count;
  count.function = "COUNT";
  count.count_star = true;
  count.type = LogicalType::BigInt().WithNullable(false);
  sql::BoundAggregate sum;
  sum.function = "SUM";
  sum.arg = sql::MakeColumnRef(2, LogicalType::BigInt());
  sum.type = LogicalType::BigInt();
  sql::BoundAggregate buys = count;
  buys.filter = sql::MakeColumnRef(3, LogicalType::Boolean());
  node->aggregates = {count, sum, buys};
  node->schema =
      std::make_shared<Schema>(std::vector<Field>{key,
                                                  {"window_start", LogicalType::Timestamp(3)},
                                                  {"window_end", LogicalType::Timestamp(3)},
                                                  {"window_time", LogicalType::Timestamp(3)},
                                                  {"cnt", count.type},
                                                  {"total", sum.type},
                                                  {"buys", buys.type}});
  node->rowtime_column = 3;
  return node;
}

class WindowAggregateOperatorTest : public ::testing::Test {
 protected:
  void Build(const sql::PlanNodePtr& node, int64_t allowed_lateness = 0) {
    auto op = WindowAggregateOperator::Create(*node, registry_, allowed_lateness);
    ASSERT_TRUE(op.ok()) << op.status().ToString();
    op_ = std::move(*op);
    op_->SetOutput(&out_, 0);
  }
  void Push(const BatchPtr& batch) {
    Status s = op_->Process(batch, 0);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void Advance(int64_t wm) {
    Status s = op_->AdvanceWatermark(Watermark(wm), 0);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void Finish() {
    Status s = op_->Finish();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  expr::FunctionRegistry registry_;
  std::unique_ptr<WindowAggregateOperator> op_;
  CollectingOperator out_;
};

TEST_F(WindowAggregateOperatorTest, FiresTumbleWindowsWhenTheWatermarkReachesTheEnd) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10));
  Push(MakeBatch({{1, 1, 10, true}, {2, 3, 5, false}, {1, 7, 1, false}, {1, 12, 100, true}}));
  Advance(9);  // [0, 10) is not complete before the watermark reaches 10
  Advance(10);
  Finish();
  // key, window_start, window_end, window_time, COUNT(*), SUM(v), COUNT(*) FILTER (WHERE buy)
  EXPECT_EQ(out_.rows,
            (Rows{"WM 9", "1,0,10,9,2,11,1", "2,0,10,9,1,5,0", "WM 10", "1,10,20,19,1,100,1"}));
  // Rows fired by the advance to 10 carry the watermark before it (9); window_time 9 is then on
  // time for a downstream event-time operator.
  EXPECT_EQ(out_.row_watermarks[1], 9);
  EXPECT_EQ(out_.row_watermarks[2], 9);
  EXPECT_EQ(out_.finishes, 1);
  EXPECT_EQ(op_->late_records_dropped(), 0);
  EXPECT_EQ(op_->num_groups(), 0u);
}

TEST_F(WindowAggregateOperatorTest, DropsARowWhoseWindowEndIsAtOrBeforeTheWatermark) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10));
  Advance(9);
  Push(MakeBatch({{1, 5, 1}}));  // end 10 > 9: on time
  Advance(10);
  Push(MakeBatch({{1, 9, 2}, {1, 15, 4}}));  // end 10 <= 10: late; [10, 20) on time
  Finish();
  EXPECT_EQ(out_.DataRows(), (Rows{"1,0,10,9,1,1,0", "1,10,20,19,1,4,0"}));
  EXPECT_EQ(op_->late_records_dropped(), 1);
}

TEST_F(WindowAggregateOperatorTest, UsesRowWatermarksForLateness) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10));
  // The second row arrives when the watermark is already 10: late, though no AdvanceWatermark
  // was called.
  Push(MakeBatch({{1, 15, 1}, {1, 5, 2}}, {kMinWatermark.value(), 10}));
  Finish();
  EXPECT_EQ(out_.DataRows(), (Rows{"1,10,20,19,1,1,0"}));
  EXPECT_EQ(op_->late_records_dropped(), 1);
}

TEST_F(WindowAggregateOperatorTest, AllowedLatenessEmitsUpdatesOfEmittedResults) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10), /*allowed_lateness=*/5);
  Push(MakeBatch({{1, 1, 1}}));
  Advance(10);  // the first result is a plain insert (no row kinds on the batch)
  // Late for [0, 10) but within 10 + 5: updates it. Two rows of key 1 and one of a new key 2.
  Push(MakeBatch({{1, 2, 2, true}, {1, 6, 4}, {2, 4, 7}}));
  // Each updated (window, key) once: key 1 retracts (1 row, sum 1, 0 buys) and sends
  // (3 rows, sum 7, 1 buy); key 2 had no result yet, so it is an insert.
  Advance(12);
  Advance(13);  // nothing changed since 12
  Push(MakeBatch({{1, 3, 8}}));
  Advance(15);                    // emits the last update, then the window's state goes
  Push(MakeBatch({{1, 5, 16}}));  // 10 + 5 <= 15: dropped
  Finish();
  EXPECT_EQ(out_.rows, (Rows{"1,0,10,9,1,1,0", "WM 10", "-U 1,0,10,9,1,1,0", "+U 1,0,10,9,3,7,1",
                             "+I 2,0,10,9,1,7,0", "WM 12", "WM 13", "-U 1,0,10,9,3,7,1",
                             "+U 1,0,10,9,4,15,1", "WM 15"}));
  EXPECT_EQ(op_->late_records_dropped(), 1);
  EXPECT_EQ(op_->num_groups(), 0u);
}

TEST_F(WindowAggregateOperatorTest, AllowedLatenessUpdatesAreFlushedByFinish) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10), /*allowed_lateness=*/100);
  Push(MakeBatch({{1, 1, 1}}));
  Advance(20);
  Push(MakeBatch({{1, 2, 2}}));
  Finish();
  EXPECT_EQ(out_.DataRows(), (Rows{"1,0,10,9,1,1,0", "-U 1,0,10,9,1,1,0", "+U 1,0,10,9,2,3,0"}));
  ASSERT_NE(out_.last_batch, nullptr);
  EXPECT_EQ(out_.last_batch->row_kinds.size(), out_.last_batch->num_rows);
}

TEST_F(WindowAggregateOperatorTest, AllowedLatenessLateWindowWithoutResultIsInserted) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10), /*allowed_lateness=*/15);
  Push(MakeBatch({{1, 15, 1}}));
  Advance(20);
  // [0, 10) never had rows: it is created late (10 <= 20 < 10 + 15) and its first result is an
  // insert, its next one an update.
  Push(MakeBatch({{1, 5, 2}}));
  Advance(21);
  Push(MakeBatch({{1, 6, 4}}));
  Advance(22);
  EXPECT_EQ(out_.DataRows(),
            (Rows{"1,10,20,19,1,1,0", "1,0,10,9,1,2,0", "-U 1,0,10,9,1,2,0", "+U 1,0,10,9,2,6,0"}));
}

TEST_F(WindowAggregateOperatorTest, AllowedLatenessSkipsUnchangedResultsAndKeepsStrings) {
  // SELECT k, window_start, window_end, window_time, MAX(sym) ... GROUP BY k, window_start, ...
  auto node = std::make_shared<sql::PlanNode>(*WindowNode(sql::WindowKind::kTumble, 10, 10));
  sql::BoundAggregate max;
  max.function = "MAX";
  max.arg = sql::MakeColumnRef(4, LogicalType::String());
  max.type = LogicalType::String();
  node->aggregates = {max};
  std::vector<Field> fields(node->schema->fields().begin(), node->schema->fields().begin() + 4);
  fields.push_back({"top", LogicalType::String()});
  node->schema = std::make_shared<Schema>(std::move(fields));
  Build(node, /*allowed_lateness=*/100);
  Push(MakeBatch({{1, 1, 0, false, "m"}}));
  Advance(10);
  Push(MakeBatch({{1, 2, 0, false, "c"}}));  // MAX stays 'm': no update
  Advance(11);
  Push(MakeBatch({{1, 3, 0, false, "x"}}));
  Advance(12);
  Push(MakeBatch({{1, 4, 0, false, "z"}}));
  Finish();
  EXPECT_EQ(out_.rows, (Rows{"1,0,10,9,m", "WM 10", "WM 11", "-U 1,0,10,9,m", "+U 1,0,10,9,x",
                             "WM 12", "-U 1,0,10,9,x", "+U 1,0,10,9,z"}));
}

// The late firing of DESIGN.md's example, in one batch: [0, 10) fires before ts 8, which updates
// it; the update is emitted when the watermark 21 (before ts 4) drops the window, before
// [10, 20) fires; ts 4 is dropped. Watermark = max(ts), no delay.
TEST_F(WindowAggregateOperatorTest, AllowedLatenessInOneBatchEqualsRecordAtATime) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10), /*allowed_lateness=*/5);
  Push(MakeBatch({{1, 1, 1}, {1, 3, 2}, {1, 12, 4}, {1, 8, 8}, {1, 21, 16}, {1, 4, 32}},
                 {kMinWatermark.value(), 1, 3, 12, 12, 21}));
  Finish();
  EXPECT_EQ(out_.DataRows(), (Rows{"+I 1,0,10,9,2,3,0", "-U 1,0,10,9,2,3,0", "+U 1,0,10,9,3,11,0",
                                   "+I 1,10,20,19,1,4,0", "1,20,30,29,1,16,0"}));
  EXPECT_EQ(op_->late_records_dropped(), 1);
  // ts 8 updated the fired [0, 10); [20, 30) still holds its group when the batch ends.
  EXPECT_EQ(op_->late_records_updated(), 1);
  EXPECT_EQ(op_->stats()->late_updated, 1);
  EXPECT_EQ(op_->stats()->late_dropped, 1);
}

// Rows with ts 1, 8, 12, 5, 3, 15, 22, 9 under the watermark max(ts) - 2; v doubles each row.
std::vector<InRow> CrossingRows() {
  return {{1, 1, 1, true},  {1, 8, 2, false},  {1, 12, 4, true},   {1, 5, 8, true},
          {1, 3, 16, true}, {1, 15, 32, true}, {1, 22, 64, false}, {1, 9, 128, true}};
}
// The watermark in force before each row of CrossingRows(), and after the last.
const std::vector<int64_t> kCrossingWatermarks = {kMinWatermark.value(), -1, 6, 10, 10, 10, 13, 20};
constexpr int64_t kFinalCrossingWatermark = 20;

// [0, 10) completes before row ts=5 (watermark 10), which is late like ts=3; [10, 20) completes
// before ts=9 (watermark 20), which is late for [0, 10).
const Rows kCrossingOutput = {"1,0,10,9,2,3,1", "1,10,20,19,2,36,2", "WM 20", "1,20,30,29,1,64,0"};

TEST_F(WindowAggregateOperatorTest, FiresMidBatchWhereTheRowWatermarkCrossesAWindowEnd) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10));
  Push(MakeBatch(CrossingRows(), kCrossingWatermarks));
  Advance(kFinalCrossingWatermark);
  Finish();
  EXPECT_EQ(out_.rows, kCrossingOutput);
  // Each fired row carries the watermark in force before the one that fired it.
  EXPECT_EQ(out_.row_watermarks[0], 6);
  EXPECT_EQ(out_.row_watermarks[1], 13);
  EXPECT_EQ(op_->late_records_dropped(), 3);
}

TEST_F(WindowAggregateOperatorTest, OneBatchEqualsRecordAtATime) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10));
  const auto rows = CrossingRows();
  for (size_t i = 0; i < rows.size(); ++i) {
    Push(MakeBatch({rows[i]}, {kCrossingWatermarks[i]}));
    const int64_t next = i + 1 < rows.size() ? kCrossingWatermarks[i + 1] : kFinalCrossingWatermark;
    if (next > kMinWatermark.value()) Advance(next);
  }
  Finish();
  EXPECT_EQ(out_.DataRows(), (Rows{"1,0,10,9,2,3,1", "1,10,20,19,2,36,2", "1,20,30,29,1,64,0"}));
  const std::vector<int64_t> data_watermarks = [&] {
    std::vector<int64_t> w;
    for (size_t i = 0; i < out_.rows.size(); ++i) {
      if (out_.rows[i].rfind("WM ", 0) != 0) w.push_back(out_.row_watermarks[i]);
    }
    return w;
  }();
  EXPECT_EQ(data_watermarks[0], 6);
  EXPECT_EQ(data_watermarks[1], 13);
  EXPECT_EQ(op_->late_records_dropped(), 3);
}

TEST_F(WindowAggregateOperatorTest, FilterCountsOnlyTrueRows) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10));
  Push(MakeBatch({{1, 1, 1, true}, {1, 2, 2, std::nullopt}, {1, 3, 4, false}, {1, 4, 8, true}}));
  Finish();
  // COUNT(*) counts 4 rows; the FILTER counts the two TRUE rows (NULL fails the filter).
  EXPECT_EQ(out_.DataRows(), (Rows{"1,0,10,9,4,15,2"}));
}

TEST_F(WindowAggregateOperatorTest, EmitsKeysInFirstAppearanceOrderPerWindowEnd) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10));
  Push(MakeBatch({{3, 11, 1}, {3, 1, 1}, {1, 2, 2}, {2, 3, 4}, {1, 4, 8}, {3, 5, 16}}));
  Finish();
  EXPECT_EQ(out_.DataRows(),
            (Rows{"3,0,10,9,2,17,0", "1,0,10,9,2,10,0", "2,0,10,9,1,4,0", "3,10,20,19,1,1,0"}));
}

TEST_F(WindowAggregateOperatorTest, GroupsStringKeysIncludingNull) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10, 0, /*key_column=*/4));
  Push(MakeBatch({{0, 1, 1, true, "b"},
                  {0, 2, 2, true, std::nullopt},
                  {0, 3, 4, true, "a"},
                  {0, 4, 8, true, "b"},
                  {0, 5, 16, true, std::nullopt},
                  {0, 6, 32, true, "ab"}}));
  Finish();
  EXPECT_EQ(out_.DataRows(),
            (Rows{"b,0,10,9,2,9,2", "null,0,10,9,2,18,2", "a,0,10,9,1,4,1", "ab,0,10,9,1,32,1"}));
}

TEST_F(WindowAggregateOperatorTest, ManyKeysAcrossBatches) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10));
  // 1000 keys, each seen three times (rows 0..2999, key = i % 1000, v = 1), over two batches.
  std::vector<InRow> first, second;
  for (int64_t i = 0; i < 3000; ++i) (i < 1500 ? first : second).push_back({i % 1000, 5, 1});
  Push(MakeBatch(first));
  Push(MakeBatch(second));
  Finish();
  const Rows rows = out_.DataRows();
  ASSERT_EQ(rows.size(), 1000u);
  for (int64_t k = 0; k < 1000; ++k) EXPECT_EQ(rows[k], std::to_string(k) + ",0,10,9,3,3,0");
}

TEST_F(WindowAggregateOperatorTest, HopFiresOverlappingWindowsInEndOrder) {
  Build(WindowNode(sql::WindowKind::kHop, 10, 5));
  // ts 7: [0, 10) and [5, 15); ts 12: [5, 15) and [10, 20).
  Push(MakeBatch({{1, 7, 1}, {1, 12, 2}}));
  Advance(15);
  Finish();
  EXPECT_EQ(out_.rows, (Rows{"1,0,10,9,1,1,0", "1,5,15,14,2,3,0", "WM 15", "1,10,20,19,1,2,0"}));
}

TEST_F(WindowAggregateOperatorTest, HopRowLateForItsFirstWindowStillCountsInTheNext) {
  Build(WindowNode(sql::WindowKind::kHop, 10, 5));
  Advance(10);
  Push(MakeBatch({{1, 7, 1}}));  // [0, 10) is closed; [5, 15) is not
  Finish();
  EXPECT_EQ(out_.DataRows(), (Rows{"1,5,15,14,1,1,0"}));
  EXPECT_EQ(op_->late_records_dropped(), 0);
}

TEST_F(WindowAggregateOperatorTest, CumulateEmitsEachStepOfThePeriod) {
  Build(WindowNode(sql::WindowKind::kCumulate, 12, 3));
  // ts 1: ends 3, 6, 9, 12; ts 4: ends 6, 9, 12; ts 10: end 12; ts 13: next period.
  Push(MakeBatch({{1, 1, 1}, {1, 4, 2}, {1, 10, 4}, {1, 13, 8}}));
  Advance(12);
  EXPECT_EQ(out_.rows,
            (Rows{"1,0,3,2,1,1,0", "1,0,6,5,2,3,0", "1,0,9,8,2,3,0", "1,0,12,11,3,7,0", "WM 12"}));
}

TEST_F(WindowAggregateOperatorTest, TumbleWithOffsetAndNegativeTimes) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10, /*offset=*/3));
  // Windows [-17, -7), [-7, 3), [3, 13).
  Push(MakeBatch({{1, -8, 1}, {1, -7, 2}, {1, 2, 4}, {1, 3, 8}}));
  Finish();
  EXPECT_EQ(out_.DataRows(), (Rows{"1,-17,-7,-8,1,1,0", "1,-7,3,2,2,6,0", "1,3,13,12,1,8,0"}));
}

TEST_F(WindowAggregateOperatorTest, ComputedKeysArgumentsAndFilters) {
  // SELECT k % 2, window_start, window_end, window_time, SUM(v * 2) FILTER (WHERE v > 1)
  // FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' MILLISECOND)) GROUP BY k % 2, ...
  auto node = std::make_shared<sql::PlanNode>(*WindowNode(sql::WindowKind::kTumble, 10, 10));
  auto k = sql::MakeColumnRef(0, LogicalType::BigInt());
  auto v = sql::MakeColumnRef(2, LogicalType::BigInt());
  auto two = sql::MakeLiteral(Value::Int64(LogicalType::Int(), 2));
  auto one = sql::MakeLiteral(Value::Int64(LogicalType::Int(), 1));
  node->group_keys = {sql::MakeCall("%", {k, two}, LogicalType::BigInt())};
  sql::BoundAggregate sum;
  sum.function = "SUM";
  sum.arg = sql::MakeCall("*", {v, two}, LogicalType::BigInt());
  sum.filter = sql::MakeCall(">", {v, one}, LogicalType::Boolean());
  sum.type = LogicalType::BigInt();
  node->aggregates = {sum};
  node->schema =
      std::make_shared<Schema>(std::vector<Field>{{"parity", LogicalType::BigInt()},
                                                  {"window_start", LogicalType::Timestamp(3)},
                                                  {"window_end", LogicalType::Timestamp(3)},
                                                  {"window_time", LogicalType::Timestamp(3)},
                                                  {"s", LogicalType::BigInt()}});
  Build(node);
  Push(MakeBatch({{1, 1, 1}, {2, 2, 2}, {3, 3, 3}, {4, 4, 4}, {5, 5, 1}, {7, 11, 1}}));
  Finish();
  // [0, 10): odd keys v 1 (filtered out), 3, 1 (filtered out) -> 6; even keys v 2, 4 -> 12.
  // [10, 20): the one row fails the FILTER; the group still appears, SUM over no rows is NULL.
  EXPECT_EQ(out_.DataRows(), (Rows{"1,0,10,9,6", "0,0,10,9,12", "1,10,20,19,null"}));
}

TEST_F(WindowAggregateOperatorTest, WindowWithoutGroupKeys) {
  auto node = std::make_shared<sql::PlanNode>(*WindowNode(sql::WindowKind::kTumble, 10, 10));
  node->group_keys.clear();
  std::vector<Field> fields(node->schema->fields().begin() + 1, node->schema->fields().end());
  node->schema = std::make_shared<Schema>(std::move(fields));
  Build(node);
  Push(MakeBatch({{1, 1, 1}, {2, 2, 2}, {3, 13, 4}}));
  Advance(10);
  EXPECT_EQ(out_.rows, (Rows{"0,10,9,2,3,0", "WM 10"}));
}

TEST_F(WindowAggregateOperatorTest, ChangelogInputRetractsBeforeTheWindowFires) {
  sql::PlanNodePtr node = WindowNode(sql::WindowKind::kTumble, 10, 10);
  std::const_pointer_cast<sql::PlanNode>(node->inputs[0])->changelog = true;
  Build(node, /*allowed_lateness=*/5);
  // Key 1: +I 5 (buy), +I 7, -U 7 -> 1 row, sum 5, 1 buy. Key 2: +I 4, -D 4 -> no rows left, so
  // [0, 10) emits nothing for it.
  auto batch = std::make_shared<Batch>(
      *MakeBatch({{1, 1, 5, true}, {1, 2, 7}, {2, 3, 4}, {1, 2, 7}, {2, 3, 4}}));
  batch->row_kinds = {RowKind::kInsert, RowKind::kInsert, RowKind::kInsert, RowKind::kUpdateBefore,
                      RowKind::kDelete};
  Push(batch);
  Advance(10);
  // Within the allowed lateness, key 1's only row is deleted: its emitted result is deleted.
  auto late = std::make_shared<Batch>(*MakeBatch({{1, 1, 5, true}}));
  late->row_kinds = {RowKind::kDelete};
  Push(late);
  Advance(12);
  Finish();
  EXPECT_EQ(out_.rows, (Rows{"1,0,10,9,1,5,1", "WM 10", "-D 1,0,10,9,1,5,1", "WM 12"}));
}

TEST_F(WindowAggregateOperatorTest, DescribesTheWindow) {
  Build(WindowNode(sql::WindowKind::kHop, 10000, 5000));
  EXPECT_NE(op_->Describe().find("HOP"), std::string::npos) << op_->Describe();
}

TEST_F(WindowAggregateOperatorTest, StateRestoredIntoAFreshOperatorContinuesTheSameOutput) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10), /*allowed_lateness=*/5);
  Push(MakeBatch({{1, 1, 5, true}, {2, 2, 7, false, std::nullopt}, {1, 12, 1}}));
  Advance(10);
  Push(MakeBatch({{1, 3, 10, true}}));  // late for [0, 10), within lateness: key 1 is dirty
  StateEncoder saved;
  ASSERT_TRUE(op_->SaveState(&saved).ok());
  EXPECT_EQ(out_.rows, (Rows{"1,0,10,9,1,5,1", "2,0,10,9,1,7,0", "WM 10"}));

  // A fresh operator (a restarted process) gets the state and the rest of the input.
  out_ = CollectingOperator();
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10), /*allowed_lateness=*/5);
  StateDecoder in(saved.data(), "test state");
  Status restored = op_->RestoreState(&in);
  ASSERT_TRUE(restored.ok()) << restored.ToString();
  EXPECT_TRUE(in.done());
  EXPECT_EQ(op_->num_groups(), 3u);  // (0-10, 1), (0-10, 2), (10-20, 1)
  Push(MakeBatch({{1, 14, 2, true}}));
  Advance(20);
  // Key 1 of [0, 10) had (1 row, 5, 1 buy) emitted and now holds 2 rows, 15, 2 buys; [0, 10) is
  // dropped at 15. [10, 20) fires with key 1's rows at 12 (v 1) and 14 (v 2, a buy).
  EXPECT_EQ(out_.rows,
            (Rows{"-U 1,0,10,9,1,5,1", "+U 1,0,10,9,2,15,2", "+I 1,10,20,19,2,3,1", "WM 20"}));
  EXPECT_EQ(op_->late_records_dropped(), 0);
  EXPECT_EQ(op_->num_groups(), 1u);  // [10, 20) is kept until 25 for late rows
}

TEST_F(WindowAggregateOperatorTest, TruncatedStateIsADataError) {
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10));
  Push(MakeBatch({{1, 1, 5}}));
  StateEncoder saved;
  ASSERT_TRUE(op_->SaveState(&saved).ok());
  Build(WindowNode(sql::WindowKind::kTumble, 10, 10));
  StateDecoder in(std::string_view(saved.data()).substr(0, saved.data().size() - 3), "cp");
  EXPECT_EQ(op_->RestoreState(&in).code(), StatusCode::kDataError);
}
}  // namespace
}  // namespace sluice::runtime
