#include "connectors/formats/json_decoder.h"

#include <gtest/gtest.h>

namespace sluice::connectors {
namespace {

// 2024-01-02T00:00:00Z is 19724 days after the epoch (2024-01-01 is 1704067200 s = 19723 days).
constexpr int64_t kJan2Millis = 19724LL * 86'400'000;

SchemaPtr AllTypes() {
  return std::make_shared<Schema>(std::vector<Field>{
      {"id", LogicalType::BigInt()},
      {"qty", LogicalType::Int()},
      {"price", LogicalType::Double()},
      {"amount", LogicalType::Decimal(10, 2)},
      {"name", LogicalType::String()},
      {"ok", LogicalType::Boolean()},
      {"ts", LogicalType::Timestamp(3)},
      {"d", LogicalType::Date()},
  });
}

class JsonDecoderTest : public ::testing::Test {
 protected:
  // Decodes `lines` with a fresh decoder and returns the statuses; the rows are in batch_.
  std::vector<Status> DecodeAll(const std::vector<std::string>& lines,
                                JsonDecodeOptions options = {}, SchemaPtr schema = AllTypes()) {
    JsonDecoder decoder(schema, options);
    runtime::BatchBuilder builder(schema);
    std::vector<Status> statuses;
    for (const auto& line : lines) statuses.push_back(decoder.Decode(line, &builder));
    ignored_ = decoder.ignored_errors();
    batch_ = builder.Finish();
    return statuses;
  }
  const Column& col(size_t i) const { return batch_->column(i); }

  BatchPtr batch_;
  int64_t ignored_ = 0;
};

TEST_F(JsonDecoderTest, DecodesEveryType) {
  auto st = DecodeAll({R"({"id": 7, "qty": -3, "price": 1.5, "amount": 12.345, "name": "a\"b",
                          "ok": true, "ts": "2024-01-02T03:04:05.678+02:00", "d": "2024-01-02"})"});
  ASSERT_TRUE(st[0].ok()) << st[0].ToString();
  ASSERT_EQ(batch_->num_rows, 1u);
  EXPECT_EQ(col(0).ints()[0], 7);
  EXPECT_EQ(col(1).ints()[0], -3);
  EXPECT_EQ(col(2).doubles()[0], 1.5);
  EXPECT_EQ(col(3).ints()[0], 1235);  // 12.345 rounded half up to 12.35
  EXPECT_EQ(col(4).strings()[0], "a\"b");
  EXPECT_EQ(col(5).bools()[0], 1);
  // 03:04:05.678 at +02:00 is 01:04:05.678 UTC.
  EXPECT_EQ(col(6).ints()[0], kJan2Millis + (3600 + 4 * 60 + 5) * 1000 + 678);
  EXPECT_EQ(col(7).ints()[0], 19724);
}

TEST_F(JsonDecoderTest, TimestampsInEveryAcceptedForm) {
  SchemaPtr s = std::make_shared<Schema>(std::vector<Field>{{"ts", LogicalType::Timestamp(3)}});
  auto st = DecodeAll({R"({"ts": "2024-01-01T00:00:00Z"})",
                       R"({"ts": "2024-01-01T00:00:00-05:30"})", R"({"ts": "2024-01-01 00:00:01"})",
                       R"({"ts": "2024-01-01 00:00:01.250"})", R"({"ts": 1704067200123})"},
                      {}, s);
  for (const auto& x : st) ASSERT_TRUE(x.ok()) << x.ToString();
  const int64_t jan1 = 1704067200000;
  EXPECT_EQ(col(0).ints()[0], jan1);
  EXPECT_EQ(col(0).ints()[1], jan1 + 5 * 3'600'000 + 30 * 60'000);
  EXPECT_EQ(col(0).ints()[2], jan1 + 1000);
  EXPECT_EQ(col(0).ints()[3], jan1 + 1250);
  EXPECT_EQ(col(0).ints()[4], jan1 + 123);
}

TEST_F(JsonDecoderTest, NullsAndMissingFieldsAreNullByDefault) {
  auto st = DecodeAll({R"({"id": null, "name": null})", R"({})"});
  ASSERT_TRUE(st[0].ok() && st[1].ok());
  ASSERT_EQ(batch_->num_rows, 2u);
  for (size_t c = 0; c < batch_->columns.size(); ++c) {
    EXPECT_TRUE(col(c).IsNull(0)) << c;
    EXPECT_TRUE(col(c).IsNull(1)) << c;
  }
}

TEST_F(JsonDecoderTest, MissingFieldFailsWhenAsked) {
  SchemaPtr s = std::make_shared<Schema>(
      std::vector<Field>{{"id", LogicalType::BigInt()}, {"name", LogicalType::String()}});
  auto st = DecodeAll({R"({"id": 1})", R"({"id": 2, "name": null})"}, {true, false}, s);
  EXPECT_EQ(st[0].code(), StatusCode::kDataError);
  EXPECT_NE(st[0].message().find("'name'"), std::string::npos) << st[0].message();
  EXPECT_TRUE(st[1].ok());  // present but null is not missing
  ASSERT_EQ(batch_->num_rows, 1u);
  EXPECT_EQ(col(0).ints()[0], 2);
}

TEST_F(JsonDecoderTest, WrongTypeNamesFieldAndType) {
  auto st = DecodeAll({R"({"id": "abc"})", R"({"qty": 3000000000})", R"({"ok": 1})",
                       R"({"ts": "yesterday"})", R"({"id": 1.5})", R"({"id": 5})"});
  EXPECT_NE(st[0].message().find("'id'"), std::string::npos);
  EXPECT_NE(st[0].message().find("BIGINT"), std::string::npos) << st[0].message();
  EXPECT_NE(st[1].message().find("INT"), std::string::npos) << st[1].message();
  EXPECT_NE(st[2].message().find("BOOLEAN"), std::string::npos) << st[2].message();
  EXPECT_NE(st[3].message().find("TIMESTAMP(3)"), std::string::npos) << st[3].message();
  EXPECT_EQ(st[4].code(), StatusCode::kDataError);
  EXPECT_TRUE(st[5].ok());
  ASSERT_EQ(batch_->num_rows, 1u);  // bad records leave no partial rows behind
  EXPECT_EQ(col(0).ints()[0], 5);
  EXPECT_TRUE(col(1).IsNull(0));
}

TEST_F(JsonDecoderTest, MalformedRecords) {
  auto st = DecodeAll(
      {R"({"id": 1,)", R"([1, 2])", R"({"id": 1} x)", R"({"id": 1}{"id": 2})", "", R"({"id": 3})"});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(st[i].code(), StatusCode::kDataError) << i;
  EXPECT_TRUE(st[5].ok());
  ASSERT_EQ(batch_->num_rows, 1u);
  EXPECT_EQ(col(0).ints()[0], 3);
}

TEST_F(JsonDecoderTest, IgnoreParseErrorsSkipsAndCounts) {
  auto st =
      DecodeAll({R"({"id": 1,)", R"({"id": "abc", "qty": 4})", R"({"id": 9})"}, {false, true});
  for (const auto& x : st) EXPECT_TRUE(x.ok()) << x.ToString();
  EXPECT_EQ(ignored_, 2);
  // The malformed line is skipped; the wrong-typed field becomes NULL, as in Flink.
  ASSERT_EQ(batch_->num_rows, 2u);
  EXPECT_TRUE(col(0).IsNull(0));
  EXPECT_EQ(col(1).ints()[0], 4);
  EXPECT_EQ(col(0).ints()[1], 9);
}

TEST_F(JsonDecoderTest, DecimalIsExact) {
  SchemaPtr s =
      std::make_shared<Schema>(std::vector<Field>{{"amount", LogicalType::Decimal(5, 2)}});
  // 0.285 is 0.28499999999999998 as a double: rounding through a double would give 0.28.
  auto st = DecodeAll({R"({"amount": 0.285})", R"({"amount": "-0.005"})", R"({"amount": 1.5e2})",
                       R"({"amount": "999.99"})", R"({"amount": 1000})", R"({"amount": 7})"},
                      {}, s);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(st[i].ok()) << i << st[i].ToString();
  EXPECT_EQ(st[4].code(), StatusCode::kDataError);  // 1000.00 needs 6 digits
  ASSERT_EQ(batch_->num_rows, 5u);
  EXPECT_EQ(col(0).ints()[0], 29);
  EXPECT_EQ(col(0).ints()[1], -1);
  EXPECT_EQ(col(0).ints()[2], 15000);
  EXPECT_EQ(col(0).ints()[3], 99999);
  EXPECT_EQ(col(0).ints()[4], 700);
}

TEST_F(JsonDecoderTest, StringsTakeAnyValueText) {
  SchemaPtr s = std::make_shared<Schema>(std::vector<Field>{{"name", LogicalType::String()}});
  auto st = DecodeAll({R"({"name": 12.50})", R"({"name": {"a": [1, 2]}})", R"({"name": true})",
                       R"({"na\u006de": "escaped key"})"},
                      {}, s);
  for (const auto& x : st) ASSERT_TRUE(x.ok()) << x.ToString();
  EXPECT_EQ(col(0).strings()[0], "12.50");
  EXPECT_EQ(col(0).strings()[1], R"({"a": [1, 2]})");
  EXPECT_EQ(col(0).strings()[2], "true");
  EXPECT_EQ(col(0).strings()[3], "escaped key");
}

TEST_F(JsonDecoderTest, SkipsOtherFieldsAndKeepsFirstDuplicate) {
  auto st = DecodeAll({R"({"x": {"deep": [1, {"id": 99}]}, "id": 1, "id": 2, "qty": "17"})"});
  ASSERT_TRUE(st[0].ok()) << st[0].ToString();
  EXPECT_EQ(col(0).ints()[0], 1);
  EXPECT_EQ(col(1).ints()[0], 17);
}

TEST_F(JsonDecoderTest, NotNullFieldRejectsNull) {
  SchemaPtr s = std::make_shared<Schema>(
      std::vector<Field>{{"id", LogicalType::BigInt().WithNullable(false)}});
  auto st = DecodeAll({R"({"id": null})", R"({})", R"({"id": 1})"}, {}, s);
  EXPECT_EQ(st[0].code(), StatusCode::kDataError);
  EXPECT_EQ(st[1].code(), StatusCode::kDataError);
  EXPECT_TRUE(st[2].ok());
  EXPECT_EQ(batch_->num_rows, 1u);
}

SchemaPtr OrderLike() {
  return std::make_shared<Schema>(std::vector<Field>{
      {"op", LogicalType::String()},
      {"order_id", LogicalType::BigInt()},
      {"symbol", LogicalType::String()},
      {"source_ts_ms", LogicalType::BigInt()},
  });
}

TEST_F(JsonDecoderTest, FieldsMatchInAnyOrderAroundOtherKeys) {
  auto st = DecodeAll(
      {R"({"op":"c","order_id":1,"symbol":"A","source_ts_ms":10})",
       R"({"source_ts_ms":20,"symbol":"B","order_id":2,"op":"u"})",
       R"({"source_ts":1,"order_idx":9,"symbol":"C","op_":"x","order_id":3,"source_ts_ms":30})",
       R"({"order_id":4,"x":{"op":"nested","order_id":99,"a":[{"symbol":"no"}]},"op":"d"})",
       R"({"op":"first","order_id":5,"op":"second","order_id":6,"symbol":"E","symbol":"F"})"},
      {}, OrderLike());
  for (const auto& x : st) ASSERT_TRUE(x.ok()) << x.ToString();
  ASSERT_EQ(batch_->num_rows, 5u);
  const std::vector<std::string_view> ops = {"c", "u", "", "d", "first"};
  const std::vector<int64_t> ids = {1, 2, 3, 4, 5};
  for (size_t r = 0; r < 5; ++r) {
    EXPECT_EQ(col(1).ints()[r], ids[r]) << r;
    if (r == 2) {
      EXPECT_TRUE(col(0).IsNull(r));
    } else {
      EXPECT_EQ(col(0).strings()[r], ops[r]) << r;
    }
  }
  EXPECT_EQ(col(2).strings()[0], "A");
  EXPECT_EQ(col(2).strings()[1], "B");
  EXPECT_EQ(col(2).strings()[2], "C");
  EXPECT_TRUE(col(2).IsNull(3));
  EXPECT_EQ(col(2).strings()[4], "E");
  EXPECT_EQ(col(3).ints()[1], 20);
  EXPECT_EQ(col(3).ints()[2], 30);
  EXPECT_TRUE(col(3).IsNull(3));
}

TEST_F(JsonDecoderTest, StringsWithAndWithoutEscapes) {
  SchemaPtr s = std::make_shared<Schema>(
      std::vector<Field>{{"name", LogicalType::String()}, {"id", LogicalType::BigInt()}});
  auto st = DecodeAll(
      {R"({"name":"plain","id":1})", R"({"name": ""  , "id":2})",
       R"({"name":"a\"b\\c\n\u00e9","id":3})", R"({"name":"ends with \\"})",
       R"({"id":5, "name" :  "caf\u00e9 日本 } ,"  })", R"({"name":"\\"})", "{\"name\":\"x\\ty\"}"},
      {}, s);
  for (const auto& x : st) ASSERT_TRUE(x.ok()) << x.ToString();
  ASSERT_EQ(batch_->num_rows, 7u);
  EXPECT_EQ(col(0).strings()[0], "plain");
  EXPECT_EQ(col(0).strings()[1], "");
  EXPECT_EQ(col(0).strings()[2], "a\"b\\c\n\xc3\xa9");
  EXPECT_EQ(col(0).strings()[3], "ends with \\");
  EXPECT_EQ(col(0).strings()[4], "caf\xc3\xa9 日本 } ,");
  EXPECT_EQ(col(0).strings()[5], "\\");
  EXPECT_EQ(col(0).strings()[6], "x\ty");
  EXPECT_EQ(col(1).ints()[4], 5);
}

TEST_F(JsonDecoderTest, OneBadLineAmongGoodOnesLosesOnlyItself) {
  auto st = DecodeAll({R"({"op":"c","order_id":1,"symbol":"A","source_ts_ms":10})",
                       R"({"op":"c","order_id":2,"symbol":"B","source_ts_ms":)",
                       R"({"op":"c","order_id":"two","symbol":"B","source_ts_ms":20})",
                       R"({"op":"u","order_id":3,"symbol":"C","source_ts_ms":30})"},
                      {}, OrderLike());
  ASSERT_EQ(st.size(), 4u);
  EXPECT_TRUE(st[0].ok());
  EXPECT_EQ(st[1].code(), StatusCode::kDataError);
  EXPECT_EQ(st[1].message().rfind("malformed JSON", 0), 0u) << st[1].message();
  EXPECT_EQ(st[2].code(), StatusCode::kDataError);
  EXPECT_NE(st[2].message().find("order_id"), std::string::npos) << st[2].message();
  EXPECT_TRUE(st[3].ok());
  ASSERT_EQ(batch_->num_rows, 2u);
  EXPECT_EQ(col(0).strings()[1], "u");
  EXPECT_EQ(col(1).ints()[1], 3);
  EXPECT_EQ(col(2).strings()[1], "C");
  EXPECT_EQ(col(3).ints()[1], 30);
}

}  // namespace
}  // namespace sluice::connectors
