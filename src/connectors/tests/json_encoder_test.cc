#include "connectors/formats/json_encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "connectors/formats/format_factory.h"

namespace sluice::connectors {
namespace {

// A one-column batch named `name` holding `column`.
Batch OneColumn(const std::string& name, std::shared_ptr<Column> column) {
  Batch batch;
  batch.schema = std::make_shared<Schema>(std::vector<Field>{{name, column->type()}});
  batch.num_rows = column->size();
  batch.columns = {std::move(column)};
  return batch;
}

std::vector<std::string> EncodeAll(runtime::RecordEncoder& encoder, const Batch& batch) {
  std::vector<std::string> rows;
  for (size_t r = 0; r < batch.num_rows; ++r) {
    std::string out;
    Status s = encoder.Encode(batch, r, &out);
    rows.push_back(s.ok() ? out : "error: " + s.message());
  }
  return rows;
}

TEST(JsonEncoderTest, RendersTypesAsFlinkDoes) {
  auto schema = std::make_shared<Schema>(std::vector<Field>{
      {"d", LogicalType::Date()},
      {"ltz", LogicalType::TimestampLtz(3)},
      {"nan", LogicalType::Double()},
      {"s", LogicalType::String()},
      {"n", LogicalType::Int()},
  });
  auto d = std::make_shared<Column>(LogicalType::Date());
  auto ltz = std::make_shared<Column>(LogicalType::TimestampLtz(3));
  auto nan = std::make_shared<Column>(LogicalType::Double());
  auto s = std::make_shared<Column>(LogicalType::String());
  auto n = std::make_shared<Column>(LogicalType::Int());
  d->AppendInt(19724);  // 2024-01-02
  ltz->AppendInt(0);
  nan->AppendDouble(NAN);
  s->AppendString("tab\there\nnl\x01");
  n->AppendInt(-7);
  Batch batch;
  batch.schema = schema;
  batch.columns = {d, ltz, nan, s, n};
  batch.num_rows = 1;
  JsonEncoder encoder({"d", "ltz", "nan", "s", "n"});
  std::string out;
  ASSERT_TRUE(encoder.Encode(batch, 0, &out).ok());
  EXPECT_EQ(out, R"({"d":"2024-01-02","ltz":"1970-01-01 00:00:00.000Z","nan":"NaN",)"
                 R"("s":"tab\there\nnl\u0001","n":-7})");
}

// ROW<a INT, tags ARRAY<STRING>, m MAP<STRING, INT>>
LogicalType EventType() {
  return LogicalType::Row({"a", "tags", "m"},
                          {LogicalType::Int(), LogicalType::Array(LogicalType::String()),
                           LogicalType::Map(LogicalType::String(), LogicalType::Int())});
}

TEST(JsonEncoderTest, WritesNullAtEachLevelAndEmptyCollections) {
  auto r = std::make_shared<Column>(EventType());
  Column& tags = r->child(1);
  Column& m = r->child(2);
  // {a: 1, tags: ["x", NULL], m: {"k": NULL}}
  r->child(0).AppendInt(1);
  tags.child(0).AppendString("x");
  tags.child(0).AppendNull();
  tags.EndNestedValue();
  m.child(0).AppendString("k");
  m.child(1).AppendNull();
  m.EndNestedValue();
  r->EndNestedValue();
  r->AppendNull();  // the ROW itself
  // {a: NULL, tags: NULL, m: {}}
  r->child(0).AppendNull();
  tags.AppendNull();
  m.EndNestedValue();
  r->EndNestedValue();
  // {a: 2, tags: [], m: NULL}
  r->child(0).AppendInt(2);
  tags.EndNestedValue();
  m.AppendNull();
  r->EndNestedValue();
  JsonEncoder encoder({"r"});
  EXPECT_EQ(EncodeAll(encoder, OneColumn("r", r)),
            (std::vector<std::string>{R"({"r":{"a":1,"tags":["x",null],"m":{"k":null}}})",
                                      R"({"r":null})", R"({"r":{"a":null,"tags":null,"m":{}}})",
                                      R"({"r":{"a":2,"tags":[],"m":null}})"}));
}

// ARRAY<ROW<p ARRAY<MAP<STRING, ROW<v INT>>>>>: five levels.
LogicalType FiveLevels() {
  LogicalType inner = LogicalType::Row({"v"}, {LogicalType::Int()});
  LogicalType map = LogicalType::Map(LogicalType::String(), inner);
  return LogicalType::Array(LogicalType::Row({"p"}, {LogicalType::Array(map)}));
}

TEST(JsonEncoderTest, WritesFiveLevelsWithNullsInside) {
  auto c = std::make_shared<Column>(FiveLevels());
  Column& row = c->child(0);
  Column& p = row.child(0);
  Column& map = p.child(0);
  Column& inner = map.child(1);
  // [{p: [{"k": {v: 7}, "n": {v: NULL}, "z": NULL}, NULL]}, NULL]
  map.child(0).AppendString("k");
  inner.child(0).AppendInt(7);
  inner.EndNestedValue();
  map.child(0).AppendString("n");
  inner.child(0).AppendNull();
  inner.EndNestedValue();
  map.child(0).AppendString("z");
  inner.AppendNull();
  map.EndNestedValue();
  map.AppendNull();
  p.EndNestedValue();
  row.EndNestedValue();
  row.AppendNull();
  c->EndNestedValue();
  // [{p: []}]
  p.EndNestedValue();
  row.EndNestedValue();
  c->EndNestedValue();
  JsonEncoder encoder({"e"});
  EXPECT_EQ(EncodeAll(encoder, OneColumn("e", c)),
            (std::vector<std::string>{
                R"({"e":[{"p":[{"k":{"v":7},"n":{"v":null},"z":null},null]},null]})",
                R"({"e":[{"p":[]}]})"}));
}

// MAP<STRING, INT> rows {NULL: 1, "a": 2} and {"b": 3}.
std::shared_ptr<Column> MapWithNullKey() {
  auto m = std::make_shared<Column>(LogicalType::Map(LogicalType::String(), LogicalType::Int()));
  m->child(0).AppendNull();
  m->child(1).AppendInt(1);
  m->child(0).AppendString("a");
  m->child(1).AppendInt(2);
  m->EndNestedValue();
  m->child(0).AppendString("b");
  m->child(1).AppendInt(3);
  m->EndNestedValue();
  return m;
}

std::vector<std::string> EncodeWith(std::map<std::string, std::string> options) {
  options["format"] = "json";
  auto encoder = FormatFactory::CreateEncoder(options, {"m"});
  if (!encoder.ok()) return {"create: " + encoder.status().message()};
  return EncodeAll(**encoder, OneColumn("m", MapWithNullKey()));
}

TEST(JsonEncoderTest, MapNullKeyModeFailIsTheDefault) {
  std::vector<std::string> rows = EncodeWith({});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0],
            "error: a MAP<STRING, INT> value has a NULL key, which JSON cannot write with "
            "'json.map-null-key.mode' = 'FAIL' (set it to 'DROP' or 'LITERAL')");
  EXPECT_EQ(rows[1], R"({"m":{"b":3}})");
  EXPECT_EQ(EncodeWith({{"json.map-null-key.mode", "FAIL"}}), rows);
}

TEST(JsonEncoderTest, MapNullKeyModeDropLeavesTheEntryOut) {
  EXPECT_EQ(EncodeWith({{"json.map-null-key.mode", "DROP"}}),
            (std::vector<std::string>{R"({"m":{"a":2}})", R"({"m":{"b":3}})"}));
}

TEST(JsonEncoderTest, MapNullKeyModeLiteralWritesTheLiteral) {
  EXPECT_EQ(EncodeWith({{"json.map-null-key.mode", "LITERAL"}}),
            (std::vector<std::string>{R"({"m":{"null":1,"a":2}})", R"({"m":{"b":3}})"}));
  EXPECT_EQ(
      EncodeWith({{"json.map-null-key.mode", "literal"}, {"json.map-null-key.literal", "N/A"}}),
      (std::vector<std::string>{R"({"m":{"N/A":1,"a":2}})", R"({"m":{"b":3}})"}));
}

TEST(JsonEncoderTest, MapNullKeyModeUnknownIsRefused) {
  EXPECT_EQ(EncodeWith({{"json.map-null-key.mode", "SKIP"}}),
            (std::vector<std::string>{"create: 'json.map-null-key.mode' is 'SKIP'; expected "
                                      "'FAIL', 'DROP' or 'LITERAL'"}));
}

}  // namespace
}  // namespace sluice::connectors
