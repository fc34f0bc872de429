#include "connectors/datagen/datagen_source.h"

#include <gtest/gtest.h>

#include <set>

#include "types/value.h"

namespace sluice::connectors {
namespace {

using Options = std::map<std::string, std::string>;

Schema TableSchema() {
  return Schema(std::vector<Field>{
      {"id", LogicalType::BigInt()},
      {"side", LogicalType::String()},
      {"qty", LogicalType::Int()},
      {"price", LogicalType::Double()},
      {"tag", LogicalType::String()},
      {"ts", LogicalType::Timestamp(3)},
  });
}

SchemaPtr Full() { return std::make_shared<Schema>(TableSchema()); }

Options BaseOptions() {
  return {{"connector", "datagen"},
          {"rows-per-second", "0"},
          {"fields.side.values", "BUY, SELL"},
          {"fields.qty.min", "1"},
          {"fields.qty.max", "6"},
          {"fields.tag.length", "20"},
          {"fields.price.min", "10"},
          {"fields.price.max", "20"},
          {"start-time", "2024-01-01T00:00:00Z"}};
}

std::unique_ptr<DatagenSource> Make(const Options& options, SchemaPtr schema = Full()) {
  auto s = DatagenSource::Create(options, schema, TableSchema());
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return nullptr;
  EXPECT_TRUE((*s)->Open().ok());
  return std::move(s).value();
}

// Renders every row of `batch` as text, to compare batches.
std::vector<std::string> Rows(const Batch& batch) {
  std::vector<std::string> rows;
  for (size_t r = 0; r < batch.num_rows; ++r) {
    std::string row;
    for (size_t c = 0; c < batch.columns.size(); ++c) {
      row += Value::FromColumn(batch.column(c), r).ToString() + "|";
    }
    rows.push_back(row);
  }
  return rows;
}

TEST(DatagenSourceTest, SameSeedSameRowsOtherSeedOtherRows) {
  auto a = Make(BaseOptions());
  auto b = Make(BaseOptions());
  Options other = BaseOptions();
  other["seed"] = "7";
  auto c = Make(other);
  auto ba = a->Poll(50);
  auto bb = b->Poll(50);
  auto bc = c->Poll(50);
  ASSERT_TRUE(ba.ok() && bb.ok() && bc.ok());
  ASSERT_EQ((*ba)->batch->num_rows, 50u);
  EXPECT_EQ(Rows(*(*ba)->batch), Rows(*(*bb)->batch));
  EXPECT_NE(Rows(*(*ba)->batch), Rows(*(*bc)->batch));
}

TEST(DatagenSourceTest, ValuesRangesAndLengths) {
  auto s = Make(BaseOptions());
  auto polled = s->Poll(200);
  ASSERT_TRUE(polled.ok() && polled->has_value());
  const Batch& b = *(*polled)->batch;
  std::set<std::string> sides;
  std::set<int64_t> qtys;
  for (size_t r = 0; r < b.num_rows; ++r) {
    sides.insert(std::string(b.column(1).strings()[r]));
    qtys.insert(b.column(2).ints()[r]);
    EXPECT_GE(b.column(3).doubles()[r], 10.0);
    EXPECT_LE(b.column(3).doubles()[r], 20.0);
    EXPECT_EQ(b.column(4).strings()[r].size(), 20u);
  }
  EXPECT_EQ(sides, (std::set<std::string>{"BUY", "SELL"}));
  EXPECT_EQ(qtys, (std::set<int64_t>{1, 2, 3, 4, 5, 6}));  // 200 draws from 6 values
}

TEST(DatagenSourceTest, StartTimeSpacesRowsByRate) {
  Options o = BaseOptions();
  o["rows-per-second"] = "4";
  auto s = Make(o);
  // ReadUntil does not wait for the schedule: rows 0..3 at 250 ms steps.
  auto batch = s->ReadUntil(SplitId(0), "4");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  const int64_t jan1 = 1704067200000;
  const Column& ts = batch->batch->column(5);
  ASSERT_EQ(ts.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ts.ints()[i], jan1 + 250 * i);
}

TEST(DatagenSourceTest, ReadUntilReproducesPolledBatches) {
  Options live = BaseOptions();
  live.erase("start-time");  // wall-clock timestamps: the position carries the batch's time
  live["fields.ts.max-past"] = "5 s";
  for (const Options& o : {BaseOptions(), live}) {
    auto a = Make(o);
    auto b = Make(o);
    for (int i = 0; i < 3; ++i) {
      auto polled = a->Poll(10 + i);
      ASSERT_TRUE(polled.ok() && polled->has_value());
      auto replayed = b->ReadUntil((*polled)->split, (*polled)->end_position);
      ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
      EXPECT_EQ(replayed->end_position, (*polled)->end_position);
      EXPECT_EQ(Rows(*replayed->batch), Rows(*(*polled)->batch));
    }
  }
}

TEST(DatagenSourceTest, MaxPastMakesEventsLate) {
  Options o = BaseOptions();
  o["fields.ts.max-past"] = "2 s";
  auto s = Make(o);
  auto batch = s->ReadUntil(SplitId(0), "100");
  ASSERT_TRUE(batch.ok());
  const int64_t jan1 = 1704067200000;
  bool some_late = false;
  for (int i = 0; i < 100; ++i) {
    int64_t t = batch->batch->column(5).ints()[i];
    int64_t row_time = jan1 + i;  // unpaced: 1 ms per row
    EXPECT_LE(t, row_time);
    EXPECT_GE(t, row_time - 2000);
    some_late |= t < row_time;
  }
  EXPECT_TRUE(some_late);
}

TEST(DatagenSourceTest, ProjectionKeepsValues) {
  auto full = Make(BaseOptions());
  auto only_qty = Make(BaseOptions(),
                       std::make_shared<Schema>(std::vector<Field>{{"qty", LogicalType::Int()}}));
  auto a = full->Poll(30);
  auto b = only_qty->Poll(30);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->batch->column(2).ints(), (*b)->batch->column(0).ints());
}

TEST(DatagenSourceTest, NumberOfRowsBoundsTheSource) {
  Options o = BaseOptions();
  o["number-of-rows"] = "25";
  auto s = Make(o);
  std::vector<size_t> sizes;
  while (!s->Finished()) {
    auto polled = s->Poll(10);
    ASSERT_TRUE(polled.ok() && polled->has_value());
    sizes.push_back((*polled)->batch->num_rows);
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{10, 10, 5}));
  auto after = s->Poll(10);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->has_value());
}

TEST(DatagenSourceTest, SequenceCountsAndBounds) {
  Options o = BaseOptions();
  o["fields.id.kind"] = "sequence";
  o["fields.id.start"] = "5";
  o["fields.id.end"] = "9";
  // The sequence bounds the source even when the plan does not read the column.
  auto s = Make(o, std::make_shared<Schema>(std::vector<Field>{{"id", LogicalType::BigInt()}}));
  auto polled = s->Poll(100);
  ASSERT_TRUE(polled.ok() && polled->has_value());
  EXPECT_EQ((*polled)->batch->column(0).ints(), (std::vector<int64_t>{5, 6, 7, 8, 9}));
  EXPECT_TRUE(s->Finished());
  auto projected =
      Make(o, std::make_shared<Schema>(std::vector<Field>{{"qty", LogicalType::Int()}}));
  auto p = projected->Poll(100);
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->batch->num_rows, 5u);
}

TEST(DatagenSourceTest, RowsPerSecondPacesWithoutSpinning) {
  Options o = BaseOptions();
  o["rows-per-second"] = "1";
  auto s = Make(o);
  auto first = s->Poll(100);
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->batch->num_rows, 1u);  // one row is due at once, the next after 1 s
  auto second = s->Poll(100);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->has_value());
}

TEST(DatagenSourceTest, RejectsBadOptions) {
  for (auto [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"fields.nope.min", "1"},
                                                        {"fields.qty.minimum", "1"},
                                                        {"fields.qty.kind", "sequence"},
                                                        {"fields.qty.min", "9"},
                                                        {"rows-per-second", "fast"},
                                                        {"start-time", "noon"}}) {
    Options o = BaseOptions();
    o[key] = value;
    auto s = DatagenSource::Create(o, Full(), TableSchema());
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << key;
  }
}

}  // namespace
}  // namespace sluice::connectors
