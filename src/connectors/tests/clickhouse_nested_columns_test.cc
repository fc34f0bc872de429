#include <gtest/gtest.h>

#include "connectors/tests/clickhouse_test_table.h"

namespace sluice::connectors {
namespace {

constexpr const char* kDb = "nested";

LogicalType Records(const char* a, LogicalType a_type, const char* b, LogicalType b_type) {
  return LogicalType::Array(LogicalType::Row({a, b}, {std::move(a_type), std::move(b_type)}));
}

// Appends ROW(s, n) elements (nullptr s: a NULL element) and ends the ARRAY row.
void AppendRecords(Column* c, std::vector<std::pair<const char*, int>> elements) {
  Column& row = c->child(0);
  for (const auto& [s, n] : elements) {
    if (s == nullptr) {
      row.AppendNull();
      continue;
    }
    row.child(0).AppendString(s);
    row.child(1).AppendInt(n);
    row.EndNestedValue();
  }
  c->EndNestedValue();
}

// id, items ARRAY<ROW<sku, qty>> (into Nested), pairs ARRAY<ROW<k, v>> (into Array(Tuple), which
// 18.16 splits into pairs.1 and pairs.2),
// r ROW<a INT, s STRING> (into Tuple), tags ARRAY<STRING>, attrs MAP<STRING, INT> (into String):
//   1: every level present;
//   2: empty arrays, a NULL ROW, a NULL ARRAY and a NULL MAP;
//   3: a NULL ARRAY of records, a NULL element, a ROW of NULLs, an empty MAP.
std::shared_ptr<Batch> NestedRows() {
  BatchBuilder b;
  Column* id = b.Add("id", LogicalType::BigInt());
  Column* items = b.Add("items", Records("sku", LogicalType::String(), "qty", LogicalType::Int()));
  Column* pairs = b.Add("pairs", Records("k", LogicalType::String(), "v", LogicalType::Int()));
  Column* r = b.Add("r", LogicalType::Row({"a", "s"}, {LogicalType::Int(), LogicalType::String()}));
  Column* tags = b.Add("tags", LogicalType::Array(LogicalType::String()));
  Column* attrs = b.Add("attrs", LogicalType::Map(LogicalType::String(), LogicalType::Int()));
  for (int64_t i : {1, 2, 3}) id->AppendInt(i);
  AppendRecords(items, {{"a", 1}, {"b", 2}});
  AppendRecords(items, {});
  items->AppendNull();
  AppendRecords(pairs, {{"x", 1}});
  AppendRecords(pairs, {});
  AppendRecords(pairs, {{nullptr, 0}});
  r->child(0).AppendInt(1);
  r->child(1).AppendString("s");
  r->EndNestedValue();
  r->AppendNull();
  r->child(0).AppendNull();
  r->child(1).AppendNull();
  r->EndNestedValue();
  tags->child(0).AppendString("t");
  tags->EndNestedValue();
  tags->AppendNull();
  tags->EndNestedValue();
  attrs->child(0).AppendString("k");
  attrs->child(1).AppendInt(1);
  attrs->EndNestedValue();
  attrs->AppendNull();
  attrs->EndNestedValue();
  return b.Build();
}

TEST(ClickHouseNestedColumnsTest, NestedArrayOfTupleTupleAndJsonTextOnTheServer) {
  testing::ClickHouseServer* server = ClickHouseTestTable::Server(kDb);
  ASSERT_NE(server, nullptr);
  ClickHouseTestTable::Query(
      server,
      "CREATE TABLE nested.t (id Int64, items Nested(sku String, qty Int32), "
      "pairs Array(Tuple(String, Int32)), r Tuple(Int32, Nullable(String)), tags Array(String), "
      "attrs Nullable(String)) ENGINE = MergeTree ORDER BY id");
  std::shared_ptr<Batch> batch = NestedRows();
  auto sink =
      ClickHouseTestTable::Sink(ClickHouseTestTable::Options(server, kDb, "t"), batch->schema);
  Status open = sink->Open();
  ASSERT_TRUE(open.ok()) << open.ToString();
  Status written = sink->Write(EpochId(1), 0, *batch);
  ASSERT_TRUE(written.ok()) << written.ToString();
  ASSERT_TRUE(sink->CommitEpoch(EpochId(1)).ok());
  // No Nullable(Tuple) or Nullable(Array): a NULL ROW is a tuple of its NULL fields (the
  // non-Nullable Int32 as 0), a NULL ARRAY is [], a NULL element of Array(Tuple) a tuple of
  // defaults; a NULL MAP into Nullable(String) is NULL.
  EXPECT_EQ(ClickHouseTestTable::Query(server,
                                       "SELECT id, items.sku, items.qty, `pairs.1`, `pairs.2`, r, "
                                       "tags, attrs "
                                       "FROM nested.t ORDER BY id FORMAT TabSeparated"),
            "1\t['a','b']\t[1,2]\t['x']\t[1]\t(1,'s')\t['t']\t{\"k\":1}\n"
            "2\t[]\t[]\t[]\t[]\t(0,NULL)\t[]\t\\N\n"
            "3\t[]\t[]\t['']\t[0]\t(0,NULL)\t[]\t{}\n");
}

TEST(ClickHouseNestedColumnsTest, NestedColumnMissingAFieldIsRefusedAtOpen) {
  testing::ClickHouseServer* server = ClickHouseTestTable::Server(kDb);
  ASSERT_NE(server, nullptr);
  ClickHouseTestTable::Query(server,
                             "CREATE TABLE nested.t (id Int64, items Nested(sku String)) "
                             "ENGINE = MergeTree ORDER BY id");
  BatchBuilder b;
  b.Add("id", LogicalType::BigInt());
  b.Add("items", Records("sku", LogicalType::String(), "qty", LogicalType::Int()));
  auto sink = ClickHouseTestTable::Sink(ClickHouseTestTable::Options(server, kDb, "t"), b.schema());
  Status open = sink->Open();
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.message(),
            "column 'items' (ARRAY<ROW<`sku` STRING, `qty` INT>>) is written to the Nested column "
            "'items' of ClickHouse table nested.t as one array per field, but the table has no "
            "Array column 'items.qty' (it has: id Int64, items.sku Array(String))");
}

TEST(ClickHouseNestedColumnsTest, CreatedTableHoldsMapAsMapOnlyWhereTheServerHasMap) {
  testing::ClickHouseServer* server = ClickHouseTestTable::Server(kDb);
  ASSERT_NE(server, nullptr);
  ClickHouseTestTable::Query(server, "DROP DATABASE nested");
  BatchBuilder b;
  Column* id = b.Add("id", LogicalType::BigInt().WithNullable(false));
  Column* attrs = b.Add("attrs", LogicalType::Map(LogicalType::String(), LogicalType::Int()));
  id->AppendInt(1);
  attrs->child(0).AppendString("k");
  attrs->child(1).AppendInt(1);
  attrs->EndNestedValue();
  ClickHouseSinkOptions options = ClickHouseTestTable::Options(server, kDb, "t");
  options.create_table = true;
  options.primary_key = {"id"};
  auto sink = ClickHouseTestTable::Sink(options, b.schema());
  Status open = sink->Open();
  ASSERT_TRUE(open.ok()) << open.ToString();
  ASSERT_TRUE(sink->Write(EpochId(1), 0, *b.Build()).ok());
  ASSERT_TRUE(sink->CommitEpoch(EpochId(1)).ok());
  // The sink asks the server whether it has Map (18.16 has not) rather than assuming it.
  const bool has_map =
      server->Query("SELECT CAST(map('a', 1) AS Map(String, UInt8)) FORMAT TabSeparated").ok();
  EXPECT_EQ(ClickHouseTestTable::Query(server,
                                       "SELECT type FROM system.columns WHERE database = 'nested' "
                                       "AND table = 't' AND name = 'attrs' FORMAT TabSeparated"),
            has_map ? "Map(String, Nullable(Int32))\n" : "Nullable(String)\n");
  EXPECT_EQ(ClickHouseTestTable::Query(server,
                                       "SELECT toString(attrs) FROM nested.t FORMAT TabSeparated"),
            has_map ? "{'k':1}\n" : "{\"k\":1}\n");
}

}  // namespace
}  // namespace sluice::connectors
