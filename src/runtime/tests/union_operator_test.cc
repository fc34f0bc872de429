#include "runtime/union_operator.h"

#include <gtest/gtest.h>

#include "runtime/tests/collecting_operator.h"

namespace sluice::runtime {
namespace {

BatchPtr MakeBatch(std::vector<int64_t> values, std::vector<int64_t> watermarks) {
  auto batch = std::make_shared<Batch>();
  batch->schema = std::make_shared<Schema>(std::vector<Field>{{"x", LogicalType::BigInt()}});
  auto col = std::make_shared<Column>(LogicalType::BigInt());
  for (int64_t v : values) col->AppendInt(v);
  batch->columns = {col};
  batch->num_rows = values.size();
  batch->row_watermarks = std::move(watermarks);
  return batch;
}

class UnionOperatorTest : public ::testing::Test {
 protected:
  UnionOperatorTest() : op_(2) { op_.SetOutput(&out_, 0); }
  void Advance(int64_t wm, size_t input) {
    ASSERT_TRUE(op_.AdvanceWatermark(Watermark(wm), input).ok());
  }

  UnionOperator op_;
  CollectingOperator out_;
};

TEST_F(UnionOperatorTest, WatermarkIsTheMinimumOfItsInputs) {
  Advance(5, 0);  // input 1 has none yet
  EXPECT_TRUE(out_.watermarks.empty());
  Advance(3, 1);
  Advance(8, 0);  // still held back by input 1 at 3
  Advance(10, 1);
  Advance(9, 0);  // min(9, 10) = 9
  EXPECT_EQ(out_.watermarks, (std::vector<int64_t>{3, 8, 9}));
  EXPECT_EQ(op_.watermark(), Watermark(9));
}

TEST_F(UnionOperatorTest, RowWatermarksAreCappedByTheOtherInputs) {
  Advance(20, 0);
  Advance(10, 1);
  // Rows of input 0 saw watermarks 8, 9, 12 on their own input; input 1 is at 10.
  ASSERT_TRUE(op_.Process(MakeBatch({1, 2, 3}, {8, 9, 12}), 0).ok());
  ASSERT_EQ(out_.rows.size(), 4u);  // "WM 10", then the three rows
  EXPECT_EQ(std::vector<int64_t>(out_.row_watermarks.begin() + 1, out_.row_watermarks.end()),
            (std::vector<int64_t>{8, 9, 10}));
  EXPECT_EQ(out_.DataRows(), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(out_.inputs.back(), 0u);
}

TEST_F(UnionOperatorTest, ForwardsBatchesUnchangedWhenNothingIsCapped) {
  Advance(20, 1);
  auto batch = MakeBatch({1}, {15});
  ASSERT_TRUE(op_.Process(batch, 0).ok());
  EXPECT_EQ(out_.last_batch, batch);
  auto plain = MakeBatch({2}, {});
  ASSERT_TRUE(op_.Process(plain, 1).ok());
  EXPECT_EQ(out_.last_batch, plain);
}

TEST_F(UnionOperatorTest, FinishesWhenEveryInputHasFinished) {
  ASSERT_TRUE(op_.Finish().ok());
  EXPECT_EQ(out_.finishes, 0);
  ASSERT_TRUE(op_.Finish().ok());
  EXPECT_EQ(out_.finishes, 1);
}

}  // namespace
}  // namespace sluice::runtime
