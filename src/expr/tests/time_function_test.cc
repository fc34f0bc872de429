#include "common/event_time.h"
#include "expr/tests/expr_test_support.h"

namespace sluice::expr {
namespace {

using namespace testing;  // NOLINT

TEST(TimeFunctionTest, ParseAndFormat) {
  EXPECT_EQ(Eval1(Fn("TO_TIMESTAMP", {Str("2024-03-01 10:20:30")})), "2024-03-01 10:20:30.000");
  EXPECT_EQ(Eval1(Fn("TO_TIMESTAMP", {Str("01/03/2024 10:20"), Str("dd/MM/yyyy HH:mm")})),
            "2024-03-01 10:20:00.000");
  EXPECT_EQ(Eval1(Fn("TO_TIMESTAMP", {Str("garbage")})), "null");
  EXPECT_EQ(
      Eval1(Fn("DATE_FORMAT", {Ts("2024-03-01 10:20:30.045"), Str("yyyy/MM/dd HH:mm:ss.SSS")})),
      "2024/03/01 10:20:30.045");
  EXPECT_EQ(Eval1(Fn("DATE_FORMAT", {Ts("2024-03-01 10:20:30"), Str("yyyyMMdd")})), "20240301");
  // 1700000000 s = 2023-11-14 22:13:20 UTC.
  EXPECT_EQ(Eval1(Fn("FROM_UNIXTIME", {Big(1700000000)})), "2023-11-14 22:13:20");
  EXPECT_EQ(Eval1(Fn("FROM_UNIXTIME", {Big(0), Str("yyyy-MM-dd")})), "1970-01-01");
  EXPECT_EQ(Eval1(Fn("UNIX_TIMESTAMP", {Str("2023-11-14 22:13:20")})), "1700000000");
  EXPECT_EQ(Eval1(Fn("UNIX_TIMESTAMP", {Str("2023-11-14"), Str("yyyy-MM-dd")})), "1699920000");
}

TEST(TimeFunctionTest, EpochConversionsAndNow) {
  EXPECT_EQ(Eval1(Fn("TO_TIMESTAMP_LTZ", {Big(1700000000), Int(0)})), "2023-11-14 22:13:20.000");
  EXPECT_EQ(Eval1(Fn("TO_TIMESTAMP_LTZ", {Big(1700000000123), Int(3)})), "2023-11-14 22:13:20.123");
  FunctionRegistry r;
  EXPECT_FALSE(CompileExpr(Fn("TO_TIMESTAMP_LTZ", {Big(1), Int(6)}), r).ok());
  EXPECT_EQ(Eval1(Fn("CURRENT_TIMESTAMP", {}), 1700000000123), "2023-11-14 22:13:20.123");
  EXPECT_EQ(Eval1(Fn("PROCTIME", {}), 1000), "1970-01-01 00:00:01.000");
  EXPECT_EQ(Eval1(Fn("UNIX_TIMESTAMP", {}), 1700000000999), "1700000000");
}

TEST(TimeFunctionTest, HourIsTheHourOfDay) {
  EXPECT_EQ(Eval1(Fn("HOUR", {Ts("2024-03-01 00:59:59.999")})), "0");
  EXPECT_EQ(Eval1(Fn("HOUR", {Ts("2024-03-01 13:00:00")})), "13");
  EXPECT_EQ(Eval1(Fn("HOUR", {Ts("2024-03-01 23:30:00")})), "23");
  EXPECT_EQ(Eval1(Fn("HOUR", {Ts("1969-12-31 22:15:00")})), "22");  // before the epoch
  EXPECT_EQ(Eval1(Fn("HOUR", {Null(LogicalType::Timestamp(3))})), "null");
}

TEST(TimeFunctionTest, TimestampDiff) {
  auto a = Ts("2024-01-31 10:00:00"), b = Ts("2024-02-29 09:59:59");
  EXPECT_EQ(Eval1(Fn("TIMESTAMPDIFF", {Str("DAY"), a, b})), "28");
  EXPECT_EQ(Eval1(Fn("TIMESTAMPDIFF", {Str("HOUR"), a, b})), "695");
  EXPECT_EQ(Eval1(Fn("TIMESTAMPDIFF", {Str("MONTH"), a, b})), "0");  // not a full month
  EXPECT_EQ(Eval1(Fn("TIMESTAMPDIFF",
                     {Str("MONTH"), Ts("2024-01-15 00:00:00"), Ts("2024-03-15 00:00:00")})),
            "2");
  EXPECT_EQ(Eval1(Fn("TIMESTAMPDIFF", {Str("SECOND"), b, a})), "-2505599");
  EXPECT_EQ(Eval1(Fn("TIMESTAMPDIFF",
                     {Str("YEAR"), Ts("2020-06-01 00:00:00"), Ts("2024-05-31 00:00:00")})),
            "3");
}

TEST(TimeFunctionTest, CurrentWatermarkIsTheWatermarkBeforeEachRow) {
  Batch batch;
  auto ts = std::make_shared<Column>(LogicalType::Timestamp(3));
  for (int64_t t : {5000, 7000, 6000, 9000}) ts->AppendInt(t);
  batch.schema = std::make_shared<Schema>(std::vector<Field>{{"ts", LogicalType::Timestamp(3)}});
  batch.columns = {ts};
  batch.num_rows = 4;
  const auto call = Fn("CURRENT_WATERMARK", {Col(0, LogicalType::Timestamp(3))});
  EXPECT_TRUE(call->type.nullable);
  // No watermark tracked on the stream: NULL.
  auto none = EvalText(call, &batch);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(*none, (std::vector<std::string>{"null", "null", "null", "null"}));
  // Before the first watermark: NULL; then the watermark in force before each row.
  batch.row_watermarks = {kMinWatermark.value(), 4000, 6000, 6000};
  auto rows = EvalText(call, &batch);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows,
            (std::vector<std::string>{"null", "1970-01-01 00:00:04.000", "1970-01-01 00:00:06.000",
                                      "1970-01-01 00:00:06.000"}));
}

}  // namespace
}  // namespace sluice::expr
