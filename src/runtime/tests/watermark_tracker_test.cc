#include "runtime/watermark_tracker.h"

#include <gtest/gtest.h>

#include <vector>

namespace sluice::runtime {
namespace {

Column Candidates(const std::vector<int64_t>& values, const std::vector<size_t>& nulls = {}) {
  Column c(LogicalType::Timestamp(3));
  for (int64_t v : values) c.AppendInt(v);
  for (size_t i : nulls) c.SetNull(i);
  return c;
}

constexpr int64_t kMin = kMinWatermark.value();

TEST(WatermarkTrackerTest, RowsSeeTheWatermarkInForceBeforeThem) {
  WatermarkTracker t;
  t.SetSplitCount(1);
  std::vector<int64_t> rows;
  // Candidates are event time minus the delay; the running maximum is the watermark.
  t.ObserveBatch(0, Candidates({10, 30, 20, 40}), &rows);
  EXPECT_EQ(rows, (std::vector<int64_t>{kMin, 10, 30, 30}));
  EXPECT_EQ(t.current().value(), 40);
}

TEST(WatermarkTrackerTest, PipelineWatermarkIsTheMinimumOverSplits) {
  WatermarkTracker t;
  t.SetSplitCount(2);
  std::vector<int64_t> rows;
  t.ObserveBatch(0, Candidates({100, 200}), &rows);
  // Split 1 has seen nothing: it holds the watermark at the minimum.
  EXPECT_EQ(rows, (std::vector<int64_t>{kMin, kMin}));
  EXPECT_EQ(t.current().value(), kMin);
  t.ObserveBatch(1, Candidates({50, 150, 300}), &rows);
  // Before row 0 split 1 has nothing; then min(200, 50) = 50; then min(200, 150) = 150.
  EXPECT_EQ(rows, (std::vector<int64_t>{kMin, 50, 150}));
  EXPECT_EQ(t.current().value(), 200);
}

TEST(WatermarkTrackerTest, IdleSplitsStopHoldingTheWatermarkBack) {
  WatermarkTracker t;
  t.SetSplitCount(2);
  std::vector<int64_t> rows;
  t.ObserveBatch(0, Candidates({100}), &rows);
  EXPECT_EQ(t.current().value(), kMin);
  t.SetIdle(1, true);
  EXPECT_EQ(t.current().value(), 100);
  // Split 1 wakes up behind: the watermark does not go back.
  t.ObserveBatch(1, Candidates({40, 60}), &rows);
  EXPECT_EQ(rows, (std::vector<int64_t>{100, 100}));
  EXPECT_EQ(t.current().value(), 100);
  EXPECT_FALSE(t.idle(1));
  t.ObserveBatch(0, Candidates({500}), &rows);
  EXPECT_EQ(t.current().value(), 100);  // min(500, 60), held at 100
  t.ObserveBatch(1, Candidates({700}), &rows);
  EXPECT_EQ(t.current().value(), 500);
}

TEST(WatermarkTrackerTest, NullCandidatesDoNotAdvance) {
  WatermarkTracker t;
  std::vector<int64_t> rows;
  t.ObserveBatch(0, Candidates({10, 99, 20}, {1}), &rows);
  EXPECT_EQ(rows, (std::vector<int64_t>{kMin, 10, 10}));
  EXPECT_EQ(t.current().value(), 20);
}

TEST(WatermarkTrackerTest, AllSplitsFinishedGivesTheMaximum) {
  WatermarkTracker t;
  t.SetSplitCount(2);
  std::vector<int64_t> rows;
  t.ObserveBatch(0, Candidates({10}), &rows);
  t.SetFinished(0);
  EXPECT_EQ(t.current().value(), kMin);  // split 1 still holds it
  t.SetFinished(1);
  EXPECT_EQ(t.current(), kMaxWatermark);
}

}  // namespace
}  // namespace sluice::runtime
