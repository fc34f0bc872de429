#include "runtime/session_window_operator.h"

#include <gtest/gtest.h>

#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"
#include "runtime/tests/collecting_operator.h"
#include "runtime/tests/key_time_value_batch.h"

namespace sluice::runtime {
namespace {

using Rows = std::vector<std::string>;

// Input columns: k BIGINT, ts TIMESTAMP(3), v BIGINT.
SchemaPtr InputSchema() { return KeyTimeValueSchema(); }
BatchPtr MakeBatch(const std::vector<KeyTimeValue>& rows) { return KeyTimeValueBatch(rows); }

/// SELECT k, window_start, window_end, window_time, COUNT(*), SUM(v)
/// FROM TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), gap)) GROUP BY k, ...
sql::PlanNodePtr SessionNode(int64_t gap) {
  auto input = std::make_shared<sql::PlanNode>();
  input->kind = sql::PlanKind::kScan;
  input->schema = InputSchema();
  auto node = std::make_shared<sql::PlanNode>();
  node->kind = sql::PlanKind::kWindowAggregate;
  node->inputs = {input};
  node->window.time_column = 1;
  node->window.size_ms = node->window.step_ms = node->window.session_gap_ms = gap;
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
  const LogicalType bound = LogicalType::Timestamp(3).WithNullable(false);
  node->schema = std::make_shared<Schema>(std::vector<Field>{{"k", LogicalType::BigInt()},
                                                             {"window_start", bound},
                                                             {"window_end", bound},
                                                             {"window_time", bound},
                                                             {"cnt", count.type},
                                                             {"total", sum.type}});
  return node;
}

struct Harness {
  explicit Harness(int64_t allowed_lateness_ms) {
    auto created = SessionWindowOperator::Create(*SessionNode(5), registry, allowed_lateness_ms);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    op = std::move(created).value();
    op->SetOutput(&out, 0);
  }
  expr::FunctionRegistry registry;
  std::unique_ptr<SessionWindowOperator> op;
  CollectingOperator out;
};

// Gap 5, allowed lateness 20: sessions [0,5) and [8,13) fire at watermark 20 and are held until
// 25 and 33; a late row at 4 bridges them into [0,13), emitted at the next watermark advance
// after retracting both; at 40 [30,35) fires and [0,13) is purged; a row at 10 (10 + 5 + 20 <=
// 40, joining nothing held) is late.
void SecondHalf(Harness* h) {
  ASSERT_TRUE(h->op->Process(MakeBatch({{1, 4, 4}}), 0).ok());
  ASSERT_TRUE(h->op->AdvanceWatermark(Watermark{21}, 0).ok());
  ASSERT_TRUE(h->op->Process(MakeBatch({{1, 30, 9}}), 0).ok());
  ASSERT_TRUE(h->op->AdvanceWatermark(Watermark{40}, 0).ok());
  ASSERT_TRUE(h->op->Process(MakeBatch({{1, 10, 5}}), 0).ok());
}

TEST(SessionWindowOperatorTest, LateRowBridgesFiredSessionsAcrossARestore) {
  Harness whole(20);
  ASSERT_TRUE(whole.op->Process(MakeBatch({{1, 0, 1}, {1, 8, 2}}), 0).ok());
  ASSERT_TRUE(whole.op->AdvanceWatermark(Watermark{20}, 0).ok());
  SecondHalf(&whole);
  EXPECT_EQ(whole.out.rows,
            (Rows{"1,0,5,4,1,1", "1,8,13,12,1,2", "WM 20", "-D 1,0,5,4,1,1", "-D 1,8,13,12,1,2",
                  "+I 1,0,13,12,3,7", "WM 21", "1,30,35,34,1,9", "WM 40"}));
  EXPECT_EQ(whole.op->late_records_dropped(), 1);
  EXPECT_EQ(whole.op->late_records_updated(), 1);  // the row at 4, joining fired sessions
  EXPECT_EQ(whole.op->num_sessions(), 1u);         // [30,35), held until 55
  EXPECT_EQ(whole.op->stats()->state_keys, 1);

  Harness before(20);
  ASSERT_TRUE(before.op->Process(MakeBatch({{1, 0, 1}, {1, 8, 2}}), 0).ok());
  ASSERT_TRUE(before.op->AdvanceWatermark(Watermark{20}, 0).ok());
  StateEncoder encoder;
  ASSERT_TRUE(before.op->SaveState(&encoder).ok());
  Harness after(20);
  StateDecoder decoder(encoder.data(), "test");
  ASSERT_TRUE(after.op->RestoreState(&decoder).ok());
  EXPECT_TRUE(decoder.done());
  SecondHalf(&after);
  Rows resumed = before.out.rows;
  resumed.insert(resumed.end(), after.out.rows.begin(), after.out.rows.end());
  EXPECT_EQ(resumed, whole.out.rows);
}

TEST(SessionWindowOperatorTest, WithoutLatenessFiredSessionsAreGoneAndOutputIsInsertOnly) {
  Harness h(0);
  ASSERT_TRUE(h.op->Process(MakeBatch({{1, 0, 1}, {1, 8, 2}}), 0).ok());
  ASSERT_TRUE(h.op->AdvanceWatermark(Watermark{20}, 0).ok());
  EXPECT_EQ(h.op->num_sessions(), 0u);
  ASSERT_TRUE(h.op->Process(MakeBatch({{1, 4, 4}}), 0).ok());  // 4 + 5 <= 20: late
  ASSERT_TRUE(h.op->Finish().ok());
  EXPECT_EQ(h.out.rows, (Rows{"1,0,5,4,1,1", "1,8,13,12,1,2", "WM 20"}));
  EXPECT_EQ(h.op->late_records_dropped(), 1);
  EXPECT_EQ(h.op->late_records_updated(), 0);
}

}  // namespace
}  // namespace sluice::runtime
