#include "runtime/batch_collector.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::runtime {
namespace {

BatchPtr Strings(const std::vector<std::string>& values, int64_t watermark) {
  auto batch = std::make_shared<Batch>();
  batch->schema = std::make_shared<Schema>(std::vector<Field>{{"s", LogicalType::String()}});
  auto column = std::make_shared<Column>(LogicalType::String());
  for (const auto& v : values) column->AppendString(v);
  batch->columns = {column};
  batch->num_rows = values.size();
  batch->row_watermarks.assign(values.size(), watermark);
  return batch;
}

TEST(BatchCollectorTest, ConcatenatedRowsOutliveTheBatchesTheyCameFrom) {
  BatchCollector collector;
  ASSERT_TRUE(collector.Process(Strings({"first row", "second row"}, 1), 0).ok());
  ASSERT_TRUE(collector.Process(Strings({}, 2), 0).ok());  // kept out: no rows
  ASSERT_TRUE(collector.Process(Strings({"third row"}, 3), 0).ok());
  BatchPtr all = BatchCollector::Concatenate(collector.Take());  // the inputs are gone now
  ASSERT_NE(all, nullptr);
  ASSERT_EQ(all->num_rows, 3u);
  EXPECT_EQ(all->column(0).strings()[0], "first row");
  EXPECT_EQ(all->column(0).strings()[1], "second row");
  EXPECT_EQ(all->column(0).strings()[2], "third row");
  EXPECT_EQ(all->row_watermarks, (std::vector<int64_t>{1, 1, 3}));
  EXPECT_TRUE(collector.Take().empty());
  EXPECT_EQ(BatchCollector::Concatenate({}), nullptr);
}

}  // namespace
}  // namespace sluice::runtime
