#include "runtime/repartitioned_window_aggregate_operator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/tests/collecting_operator.h"

namespace sluice::runtime {
namespace {

using Rows = std::vector<std::string>;

// A row of the internal topic: k, ts, v, then what job A adds ($watermark = ts - 2, $partition,
// $offset).
struct InRow {
  int64_t k;
  int64_t ts;
  int64_t v;
  int64_t partition;
  int64_t offset;
};

constexpr int64_t kDelay = 2;

SchemaPtr InputSchema() {
  return std::make_shared<Schema>(
      std::vector<Field>{{"k", LogicalType::BigInt()},
                         {"ts", LogicalType::Timestamp(3)},
                         {"v", LogicalType::BigInt()},
                         {"$watermark", LogicalType::Timestamp(3).WithNullable(true)},
                         {"$partition", LogicalType::Int().WithNullable(false)},
                         {"$offset", LogicalType::BigInt().WithNullable(false)}});
}

BatchPtr MakeBatch(const std::vector<InRow>& rows) {
  auto batch = std::make_shared<Batch>();
  batch->schema = InputSchema();
  std::vector<std::shared_ptr<Column>> cols;
  for (const Field& f : batch->schema->fields()) cols.push_back(std::make_shared<Column>(f.type));
  for (const InRow& r : rows) {
    cols[0]->AppendInt(r.k);
    cols[1]->AppendInt(r.ts);
    cols[2]->AppendInt(r.v);
    cols[3]->AppendInt(r.ts - kDelay);
    cols[4]->AppendInt(r.partition);
    cols[5]->AppendInt(r.offset);
  }
  batch->columns.assign(cols.begin(), cols.end());
  batch->num_rows = rows.size();
  // The scan's row watermarks mix the internal splits: the operator must not use them.
  batch->row_watermarks.assign(rows.size(), 1'000'000);
  return batch;
}

/// SELECT k, window_start, window_end, window_time, COUNT(*), SUM(v)
/// FROM TABLE(TUMBLE(... ts, 10)) GROUP BY k, window_start, window_end
sql::PlanNodePtr WindowNode() {
  auto input = std::make_shared<sql::PlanNode>();
  input->kind = sql::PlanKind::kScan;
  input->schema = InputSchema();
  auto node = std::make_shared<sql::PlanNode>();
  node->kind = sql::PlanKind::kWindowAggregate;
  node->inputs = {input};
  node->window.kind = sql::WindowKind::kTumble;
  node->window.time_column = 1;
  node->window.size_ms = 10;
  node->window.step_ms = 10;
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
  node->rowtime_column = 3;
  return node;
}

// One input row of split `split`, and the epoch ends after it when `end_epoch`.
struct Step {
  int64_t split;
  InRow row;
  bool end_epoch = false;
};

class RepartitionedWindowAggregateOperatorTest : public ::testing::Test {
 protected:
  std::unique_ptr<RepartitionedWindowAggregateOperator> Build(size_t partitions,
                                                              CollectingOperator* out) {
    auto op = RepartitionedWindowAggregateOperator::Create(*WindowNode(), registry_, 0);
    EXPECT_TRUE(op.ok()) << op.status().ToString();
    (*op)->SetOutput(out, 0);
    (*op)->set_input_partitions(partitions);
    return std::move(*op);
  }

  // Feeds `steps` in chunks of at most `chunk` rows of one split (a chunk also ends where the
  // split changes or an epoch ends); returns what was emitted, a batch per line group.
  Rows Run(const std::vector<Step>& steps, size_t chunk, size_t partitions = 2) {
    CollectingOperator out;
    auto op = Build(partitions, &out);
    Feed(op.get(), steps, chunk);
    EXPECT_TRUE(op->Finish().ok());
    return out.rows;
  }

  static void Feed(RepartitionedWindowAggregateOperator* op, const std::vector<Step>& steps,
                   size_t chunk) {
    std::vector<InRow> pending;
    int64_t split = -1;
    auto flush = [&] {
      if (pending.empty()) return;
      op->set_split(0, split);
      Status s = op->Process(MakeBatch(pending), 0);
      ASSERT_TRUE(s.ok()) << s.ToString();
      pending.clear();
    };
    for (const Step& step : steps) {
      if (step.split != split || pending.size() >= chunk) flush();
      split = step.split;
      pending.push_back(step.row);
      if (step.end_epoch) {
        flush();
        Status s = op->FlushEpoch([](const auto&) { return true; });
        ASSERT_TRUE(s.ok()) << s.ToString();
      }
    }
    flush();
  }

  expr::FunctionRegistry registry_;
};

// Two internal splits fed from two input partitions, interleaved, with repeats (a range of
// partition 0 written twice) and epochs ending in the middle of windows.
std::vector<Step> Scenario() {
  return {
      {0, {1, 1, 10, 0, 100}}, {0, {1, 3, 20, 1, 50}},        {1, {2, 2, 5, 0, 101}},
      {0, {1, 12, 1, 0, 102}}, {0, {1, 4, 7, 1, 51}, true},   {1, {2, 13, 5, 1, 52}},
      {0, {1, 1, 10, 0, 100}},  // a repeat of offset 100
      {0, {1, 12, 1, 0, 102}},  // and of 102
      {0, {1, 14, 3, 1, 53}},  {1, {2, 15, 6, 0, 103}, true}, {0, {1, 25, 2, 0, 104}},
      {0, {1, 26, 2, 1, 54}},  {1, {2, 27, 1, 0, 105}},       {1, {2, 28, 1, 1, 55}, true},
  };
}

TEST_F(RepartitionedWindowAggregateOperatorTest, OutputDoesNotDependOnHowRowsAreChunked) {
  const Rows whole = Run(Scenario(), 1000);
  EXPECT_EQ(Run(Scenario(), 1), whole);
  EXPECT_EQ(Run(Scenario(), 2), whole);
  EXPECT_EQ(Run(Scenario(), 3), whole);
  // Split 0: window [0, 10) of key 1 holds offsets 100, 50, 51 (the repeat of 100 is dropped),
  // fired in the second epoch once both input partitions passed 10 (ts 12 - 2 and 14 - 2);
  // [10, 20) holds 102 and 53, fired in the third epoch (25 - 2 and 26 - 2 pass 20). Split 1:
  // [0, 10) of key 2 fires when partition 1 passes 10 (13 - 2), [10, 20) with 27 - 2, 28 - 2.
  EXPECT_EQ(whole, (Rows{"1,0,10,9,3,37", "2,0,10,9,1,5", "1,10,20,19,2,4", "2,10,20,19,2,11",
                         "1,20,30,29,2,4", "2,20,30,29,2,2"}));
}

TEST_F(RepartitionedWindowAggregateOperatorTest, DropsRepeatsOfAnInputOffset) {
  CollectingOperator out;
  auto op = Build(2, &out);
  Feed(op.get(), Scenario(), 1000);
  EXPECT_EQ(op->repeats_dropped(), 2);
}

TEST_F(RepartitionedWindowAggregateOperatorTest, EachSplitWaitsForEveryInputPartition) {
  CollectingOperator out;
  auto op = Build(3, &out);
  // Partitions 0 and 1 pass the window's end in split 0; partition 2 has not reached it.
  Feed(op.get(), {{0, {1, 1, 1, 0, 0}}, {0, {1, 30, 1, 0, 1}}, {0, {1, 31, 1, 1, 0}, true}}, 10);
  EXPECT_TRUE(out.rows.empty());
  EXPECT_EQ(op->split_watermark({0, 0}), kMinWatermark.value());
  // Partition 2 reaches split 1 only: split 0 still waits, and so does split 1 (partitions 0
  // and 1 have not reached it).
  Feed(op.get(), {{1, {2, 5, 1, 2, 0}}, {1, {2, 40, 1, 2, 1}, true}}, 10);
  EXPECT_TRUE(out.rows.empty());
  Feed(op.get(), {{0, {1, 32, 1, 2, 2}, true}}, 10);
  EXPECT_EQ(op->split_watermark({0, 0}), 28);
  EXPECT_EQ(out.rows, (Rows{"1,0,10,9,1,1"}));
}

TEST_F(RepartitionedWindowAggregateOperatorTest, RestoredStateContinuesAsIfUninterrupted) {
  const std::vector<Step> steps = Scenario();
  const std::vector<Step> first(steps.begin(), steps.begin() + 5);
  const std::vector<Step> rest(steps.begin() + 5, steps.end());
  CollectingOperator out;
  auto op = Build(2, &out);
  Feed(op.get(), first, 1000);
  StateEncoder saved;
  ASSERT_TRUE(op->SaveState(&saved).ok());
  CollectingOperator restored_out;
  auto restored = Build(2, &restored_out);
  StateDecoder in(saved.data(), "test");
  Status s = restored->RestoreState(&in);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(in.done());
  Feed(restored.get(), rest, 1000);
  ASSERT_TRUE(restored->Finish().ok());
  Rows all = out.rows;
  all.insert(all.end(), restored_out.rows.begin(), restored_out.rows.end());
  EXPECT_EQ(all, Run(steps, 1000));
  EXPECT_EQ(restored->repeats_dropped(), 2);
}

// Split 0 moves to another process after the first epoch: its state goes over alone (SaveSplit /
// RestoreSplit), the first operator drops it and keeps split 1. Each split's rows then go to its
// owner, repeats included; together they write what one uninterrupted operator writes.
TEST_F(RepartitionedWindowAggregateOperatorTest, OneSplitsStateMovesToAnotherOperator) {
  const std::vector<Step> steps = Scenario();
  const std::vector<Step> first(steps.begin(), steps.begin() + 5);
  std::vector<Step> rest_of[2];
  for (auto it = steps.begin() + 5; it != steps.end(); ++it) rest_of[it->split].push_back(*it);
  CollectingOperator old_out;
  auto old_owner = Build(2, &old_out);
  Feed(old_owner.get(), first, 1000);
  StateEncoder saved;
  ASSERT_TRUE(old_owner->SaveSplit({0, 0}, &saved).ok());
  old_owner->DropSplit({0, 0});
  CollectingOperator new_out;
  auto new_owner = Build(2, &new_out);
  StateDecoder in(saved.data(), "test");
  Status s = new_owner->RestoreSplit({0, 0}, &in);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(in.done());
  rest_of[0].back().end_epoch = true;
  Feed(new_owner.get(), rest_of[0], 1000);
  Feed(old_owner.get(), rest_of[1], 1000);
  ASSERT_TRUE(new_owner->Finish().ok());
  ASSERT_TRUE(old_owner->Finish().ok());
  EXPECT_EQ(new_owner->repeats_dropped(), 2);
  Rows all = old_out.rows;
  all.insert(all.end(), new_out.rows.begin(), new_out.rows.end());
  Rows whole = Run(steps, 1000);
  std::sort(all.begin(), all.end());
  std::sort(whole.begin(), whole.end());
  EXPECT_EQ(all, whole);
}

// A split without state saves as such, and restoring that replaces what the receiver held.
TEST_F(RepartitionedWindowAggregateOperatorTest, RestoringAnEmptySplitClearsIt) {
  CollectingOperator out;
  auto op = Build(2, &out);
  Feed(op.get(), {{0, {1, 1, 10, 0, 100}}, {0, {1, 3, 20, 1, 50}}}, 1000);
  CollectingOperator other_out;
  auto other = Build(2, &other_out);
  StateEncoder empty;
  ASSERT_TRUE(other->SaveSplit({0, 0}, &empty).ok());
  StateDecoder in(empty.data(), "test");
  ASSERT_TRUE(op->RestoreSplit({0, 0}, &in).ok());
  ASSERT_TRUE(op->Finish().ok());
  EXPECT_TRUE(out.rows.empty());
}

}  // namespace
}  // namespace sluice::runtime
