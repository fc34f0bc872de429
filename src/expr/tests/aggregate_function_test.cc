#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "expr/function_registry.h"
#include "sql/bound_expr.h"

namespace sluice::expr {
namespace {

// Owns one aggregate and one state region per group.
class Agg {
 public:
  Agg(std::string name, LogicalType arg_type, bool distinct = false, bool star = false,
      bool retractable = false) {
    sql::BoundAggregate a;
    a.function = std::move(name);
    a.distinct = distinct;
    a.count_star = star;
    if (!star) a.arg = sql::MakeColumnRef(0, arg_type);
    auto f = registry_.CreateAggregate(a, retractable);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    fn_ = std::move(*f);
  }
  ~Agg() {
    for (auto& s : states_) fn_->Destroy(reinterpret_cast<uint8_t*>(s.data()));
  }
  uint8_t* NewState() {
    states_.emplace_back(fn_->state_size() / 8 + 1);
    auto* p = reinterpret_cast<uint8_t*>(states_.back().data());
    fn_->Init(p);
    return p;
  }
  const AggregateFunction& fn() const { return *fn_; }
  ColumnPtr Final(const uint8_t* state) const {
    auto out = std::make_shared<Column>(fn_->result_type());
    fn_->Finalize(state, out.get());
    return out;
  }
  void UpdateAll(uint8_t* state, const Column* arg, size_t rows) {
    std::vector<uint32_t> idx(rows);
    std::vector<uint8_t*> st(rows, state);
    for (size_t i = 0; i < rows; ++i) idx[i] = static_cast<uint32_t>(i);
    fn_->UpdateBatch(st.data(), arg, idx.data(), rows);
  }

 private:
  FunctionRegistry registry_;
  std::unique_ptr<AggregateFunction> fn_;
  std::vector<std::vector<uint64_t>> states_;
};

// Builds an int64-backed column; `kNull` entries are NULL.
constexpr int64_t kNull = INT64_MIN;
Column Ints(LogicalType t, std::vector<int64_t> v) {
  Column c(t);
  for (int64_t x : v) x == kNull ? c.AppendNull() : c.AppendInt(x);
  return c;
}

TEST(AggregateFunctionTest, CountStarCountsEveryRowCountXSkipsNulls) {
  Column c = Ints(LogicalType::Int(), {1, kNull, 3, kNull});
  Agg star("COUNT", LogicalType::Null(), false, true);
  Agg cnt("COUNT", LogicalType::Int());
  uint8_t* s1 = star.NewState();
  uint8_t* s2 = cnt.NewState();
  star.UpdateAll(s1, &c, 4);
  cnt.UpdateAll(s2, &c, 4);
  EXPECT_EQ(star.Final(s1)->ints()[0], 4);
  EXPECT_EQ(cnt.Final(s2)->ints()[0], 2);
  EXPECT_FALSE(cnt.fn().result_type().nullable);
  EXPECT_EQ(cnt.fn().result_type().id, TypeId::kBigInt);
  // Over no rows COUNT is 0, not NULL.
  uint8_t* empty = cnt.NewState();
  auto out = cnt.Final(empty);
  EXPECT_FALSE(out->IsNull(0));
  EXPECT_EQ(out->ints()[0], 0);
  ASSERT_TRUE(cnt.fn().Retract(s2, &c, 0).ok());
  EXPECT_EQ(cnt.Final(s2)->ints()[0], 1);
}

TEST(AggregateFunctionTest, UpdateBatchSpreadsRowsOverGroups) {
  Column c = Ints(LogicalType::BigInt(), {10, 20, 30, 40, kNull});
  Agg sum("SUM", LogicalType::BigInt());
  uint8_t* a = sum.NewState();
  uint8_t* b = sum.NewState();
  std::vector<uint8_t*> st = {a, b, a, b, a};
  std::vector<uint32_t> rows = {0, 1, 2, 3, 4};
  sum.fn().UpdateBatch(st.data(), &c, rows.data(), 5);
  EXPECT_EQ(sum.Final(a)->ints()[0], 40);
  EXPECT_EQ(sum.Final(b)->ints()[0], 60);
}

TEST(AggregateFunctionTest, SumAndAvgResultTypesFollowFlink) {
  FunctionRegistry r;
  EXPECT_EQ(r.ResolveAggregate("SUM", LogicalType::Int())->id, TypeId::kInt);
  EXPECT_EQ(r.ResolveAggregate("SUM", LogicalType::BigInt())->id, TypeId::kBigInt);
  EXPECT_EQ(r.ResolveAggregate("SUM", LogicalType::Float())->id, TypeId::kDouble);
  auto d = *r.ResolveAggregate("SUM", LogicalType::Decimal(10, 2));
  EXPECT_EQ(d.precision, 18);
  EXPECT_EQ(d.scale, 2);
  auto a = *r.ResolveAggregate("AVG", LogicalType::Decimal(10, 2));
  EXPECT_EQ(a.precision, 18);
  EXPECT_EQ(a.scale, 6);
  EXPECT_EQ(r.ResolveAggregate("AVG", LogicalType::Decimal(18, 8))->scale, 8);
  EXPECT_EQ(r.ResolveAggregate("AVG", LogicalType::Int())->id, TypeId::kInt);
  auto bad = r.ResolveAggregate("SUM", LogicalType::String());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kPlanError);
  EXPECT_NE(bad.status().message().find("SUM(STRING)"), std::string::npos);
  EXPECT_TRUE(r.IsAggregate("AVG"));
  EXPECT_FALSE(r.IsAggregate("UPPER"));
  EXPECT_FALSE(r.ResolveAggregate("COUNT", LogicalType::Null())->nullable);
}

TEST(AggregateFunctionTest, SumAndAvgOfNoRowsAreNull) {
  Column c = Ints(LogicalType::Int(), {kNull, kNull});
  for (const char* name : {"SUM", "AVG", "MIN", "MAX"}) {
    Agg agg(name, LogicalType::Int());
    uint8_t* s = agg.NewState();
    agg.UpdateAll(s, &c, 2);
    EXPECT_TRUE(agg.Final(s)->IsNull(0)) << name;
  }
}

TEST(AggregateFunctionTest, IntegerAverageTruncates) {
  // AVG(INT) of 1, 2, 2 is 5/3 = 1 in Flink; of -1, -2, -2 it is -1 (toward zero).
  Agg avg("AVG", LogicalType::Int());
  uint8_t* s = avg.NewState();
  Column c = Ints(LogicalType::Int(), {1, 2, 2});
  avg.UpdateAll(s, &c, 3);
  EXPECT_EQ(avg.Final(s)->ints()[0], 1);
  uint8_t* n = avg.NewState();
  Column neg = Ints(LogicalType::Int(), {-1, -2, -2});
  avg.UpdateAll(n, &neg, 3);
  EXPECT_EQ(avg.Final(n)->ints()[0], -1);
}

TEST(AggregateFunctionTest, DecimalAverageRoundsHalfUpToScaleSix) {
  // AVG of DECIMAL(10,2) 0.01, 0.01, 0.00 = 0.02/3 = 0.006666.. -> 0.006667 at scale 6.
  Agg avg("AVG", LogicalType::Decimal(10, 2));
  uint8_t* s = avg.NewState();
  Column c = Ints(LogicalType::Decimal(10, 2), {1, 1, 0});
  avg.UpdateAll(s, &c, 3);
  EXPECT_EQ(avg.Final(s)->ints()[0], 6667);
  // -0.01, -0.01, 0.00 -> -0.006667
  uint8_t* n = avg.NewState();
  Column neg = Ints(LogicalType::Decimal(10, 2), {-1, -1, 0});
  avg.UpdateAll(n, &neg, 3);
  EXPECT_EQ(avg.Final(n)->ints()[0], -6667);
  // SUM keeps the scale: 1.50 + 2.25 = 3.75
  Agg sum("SUM", LogicalType::Decimal(10, 2));
  uint8_t* t = sum.NewState();
  Column d = Ints(LogicalType::Decimal(10, 2), {150, 225});
  sum.UpdateAll(t, &d, 2);
  EXPECT_EQ(sum.Final(t)->ints()[0], 375);
}

TEST(AggregateFunctionTest, DoubleSumAvgAndRetract) {
  Column c(LogicalType::Double());
  c.AppendDouble(1.5);
  c.AppendNull();
  c.AppendDouble(2.5);
  Agg avg("AVG", LogicalType::Double());
  Agg sum("SUM", LogicalType::Double());
  uint8_t* a = avg.NewState();
  uint8_t* s = sum.NewState();
  avg.UpdateAll(a, &c, 3);
  sum.UpdateAll(s, &c, 3);
  EXPECT_DOUBLE_EQ(avg.Final(a)->doubles()[0], 2.0);
  EXPECT_DOUBLE_EQ(sum.Final(s)->doubles()[0], 4.0);
  ASSERT_TRUE(sum.fn().Retract(s, &c, 0).ok());
  EXPECT_DOUBLE_EQ(sum.Final(s)->doubles()[0], 2.5);
  ASSERT_TRUE(sum.fn().Retract(s, &c, 2).ok());
  EXPECT_TRUE(sum.Final(s)->IsNull(0));  // all rows retracted
}

TEST(AggregateFunctionTest, MinMaxOfStringsOwnTheirCopy) {
  Agg mn("MIN", LogicalType::String());
  Agg mx("MAX", LogicalType::String());
  uint8_t* a = mn.NewState();
  uint8_t* b = mx.NewState();
  {
    Column c(LogicalType::String());
    c.AppendString("pear");
    c.AppendNull();
    c.AppendString("apple");
    c.AppendString("zoo");
    mn.UpdateAll(a, &c, 4);
    mx.UpdateAll(b, &c, 4);
  }  // the column and its arena are gone
  EXPECT_EQ(mn.Final(a)->strings()[0], "apple");
  EXPECT_EQ(mx.Final(b)->strings()[0], "zoo");
  EXPECT_EQ(mn.fn().result_type().id, TypeId::kString);
  Column one(LogicalType::String());
  one.AppendString("a");
  EXPECT_EQ(mx.fn().Retract(b, &one, 0).code(), StatusCode::kUnsupported);
}

TEST(AggregateFunctionTest, MinMaxOfNumbersBooleansAndTimestamps) {
  Column d(LogicalType::Double());
  for (double x : {3.5, -1.25, 2.0}) d.AppendDouble(x);
  Agg mn("MIN", LogicalType::Double());
  uint8_t* s = mn.NewState();
  mn.UpdateAll(s, &d, 3);
  EXPECT_DOUBLE_EQ(mn.Final(s)->doubles()[0], -1.25);

  Column b(LogicalType::Boolean());
  b.AppendBool(false);
  b.AppendBool(true);
  Agg mx("MAX", LogicalType::Boolean());
  uint8_t* t = mx.NewState();
  mx.UpdateAll(t, &b, 2);
  EXPECT_EQ(mx.Final(t)->bools()[0], 1);

  Column ts = Ints(LogicalType::Timestamp(3), {1000, kNull, 3000, 2000});
  Agg mt("MAX", LogicalType::Timestamp(3));
  uint8_t* u = mt.NewState();
  mt.UpdateAll(u, &ts, 4);
  EXPECT_EQ(mt.Final(u)->ints()[0], 3000);
  EXPECT_EQ(mt.fn().result_type().id, TypeId::kTimestamp);
}

TEST(AggregateFunctionTest, MergeCombinesPartialStates) {
  Column c = Ints(LogicalType::BigInt(), {5, 7, kNull, 1});
  for (const char* name : {"COUNT", "SUM", "AVG", "MIN", "MAX"}) {
    Agg agg(name, LogicalType::BigInt());
    uint8_t* x = agg.NewState();
    uint8_t* y = agg.NewState();
    agg.fn().Update(x, &c, 0);
    agg.fn().Update(x, &c, 1);
    agg.fn().Update(y, &c, 2);
    agg.fn().Update(y, &c, 3);
    agg.fn().Merge(x, y);
    int64_t v = agg.Final(x)->ints()[0];
    std::string n = name;
    int64_t expected = n == "COUNT" ? 3 : n == "SUM" ? 13 : n == "AVG" ? 4 : n == "MIN" ? 1 : 7;
    EXPECT_EQ(v, expected) << name;
  }
  // Merging an empty MIN into a filled one and vice versa.
  Agg mn("MIN", LogicalType::String());
  uint8_t* full = mn.NewState();
  uint8_t* empty = mn.NewState();
  Column s(LogicalType::String());
  s.AppendString("m");
  mn.fn().Update(full, &s, 0);
  mn.fn().Merge(full, empty);
  mn.fn().Merge(empty, full);
  EXPECT_EQ(mn.Final(empty)->strings()[0], "m");
}

TEST(AggregateFunctionTest, CountDistinctOfAnyType) {
  Column s(LogicalType::String());
  for (const char* v : {"a", "b", "a", "c", "b"}) s.AppendString(v);
  s.AppendNull();
  Agg ds("COUNT", LogicalType::String(), true);
  uint8_t* st = ds.NewState();
  ds.UpdateAll(st, &s, 6);
  EXPECT_EQ(ds.Final(st)->ints()[0], 3);
  // Retracting one of two "a" keeps "a"; retracting "c" removes it.
  ASSERT_TRUE(ds.fn().Retract(st, &s, 0).ok());
  EXPECT_EQ(ds.Final(st)->ints()[0], 3);
  ASSERT_TRUE(ds.fn().Retract(st, &s, 3).ok());
  EXPECT_EQ(ds.Final(st)->ints()[0], 2);

  Column d(LogicalType::Double());
  for (double v : {0.0, -0.0, 1.5, 1.5}) d.AppendDouble(v);
  Agg dd("COUNT", LogicalType::Double(), true);
  uint8_t* x = dd.NewState();
  dd.UpdateAll(x, &d, 4);
  EXPECT_EQ(dd.Final(x)->ints()[0], 2);

  Column i = Ints(LogicalType::Int(), {1, 2, 2, kNull});
  Agg di("COUNT", LogicalType::Int(), true);
  uint8_t* p = di.NewState();
  uint8_t* q = di.NewState();
  di.fn().Update(p, &i, 0);
  di.fn().Update(p, &i, 1);
  di.fn().Update(q, &i, 2);
  di.fn().Update(q, &i, 3);
  di.fn().Merge(p, q);
  EXPECT_EQ(di.Final(p)->ints()[0], 2);
}

TEST(AggregateFunctionTest, SerializeRoundTripsEveryState) {
  Column s(LogicalType::String());
  for (const char* v : {"x", "yy", "x"}) s.AppendString(v);
  Column d = Ints(LogicalType::Decimal(10, 2), {100, 250, kNull});
  struct Case {
    const char* name;
    LogicalType type;
    bool distinct;
    const Column* col;
  };
  std::vector<Case> cases = {{"COUNT", LogicalType::String(), false, &s},
                             {"COUNT", LogicalType::String(), true, &s},
                             {"SUM", LogicalType::Decimal(10, 2), false, &d},
                             {"AVG", LogicalType::Decimal(10, 2), false, &d},
                             {"MIN", LogicalType::String(), false, &s},
                             {"MAX", LogicalType::Decimal(10, 2), false, &d}};
  for (const Case& c : cases) {
    Agg agg(c.name, c.type, c.distinct);
    uint8_t* a = agg.NewState();
    agg.UpdateAll(a, c.col, 3);
    std::string bytes;
    agg.fn().Serialize(a, &bytes);
    EXPECT_EQ(bytes[0], 1) << "version byte";
    uint8_t* b = agg.NewState();
    std::string_view in = bytes;
    ASSERT_TRUE(agg.fn().Deserialize(&in, b).ok()) << c.name;
    EXPECT_TRUE(in.empty());
    auto x = agg.Final(a);
    auto y = agg.Final(b);
    EXPECT_EQ(Value::FromColumn(*x, 0).ToString(), Value::FromColumn(*y, 0).ToString()) << c.name;
    // A truncated encoding is a data error, not a crash.
    std::string_view cut = std::string_view(bytes).substr(0, bytes.size() - 1);
    uint8_t* z = agg.NewState();
    EXPECT_EQ(agg.fn().Deserialize(&cut, z).code(), StatusCode::kDataError) << c.name;
  }
  // Empty MIN serialises and comes back NULL.
  Agg mn("MIN", LogicalType::String());
  uint8_t* e = mn.NewState();
  std::string bytes;
  mn.fn().Serialize(e, &bytes);
  std::string_view in = bytes;
  uint8_t* f = mn.NewState();
  ASSERT_TRUE(mn.fn().Deserialize(&in, f).ok());
  EXPECT_TRUE(mn.Final(f)->IsNull(0));
}

TEST(AggregateFunctionTest, SumOfIntWrapsLikeJavaInt) {
  Column c = Ints(LogicalType::Int(), {2147483647, 1});
  Agg sum("SUM", LogicalType::Int());
  uint8_t* s = sum.NewState();
  sum.UpdateAll(s, &c, 2);
  EXPECT_EQ(sum.Final(s)->ints()[0], -2147483648LL);
}

// Retractable MIN/MAX (changelog input) keep a multiset of values.
TEST(AggregateFunctionTest, RetractableMinMaxFallsBackWhenTheExtremeIsRetracted) {
  Column c(LogicalType::Int());
  for (int64_t v : {5, 9, 9, 2}) c.AppendInt(v);  // rows 0..3
  Agg mx("MAX", LogicalType::Int(), false, false, /*retractable=*/true);
  Agg mn("MIN", LogicalType::Int(), false, false, /*retractable=*/true);
  uint8_t* x = mx.NewState();
  uint8_t* n = mn.NewState();
  for (size_t r = 0; r < 4; ++r) {
    mx.fn().Update(x, &c, r);
    mn.fn().Update(n, &c, r);
  }
  EXPECT_EQ(mx.Final(x)->ints()[0], 9);
  ASSERT_TRUE(mx.fn().Retract(x, &c, 1).ok());  // one 9 of two: still 9
  EXPECT_EQ(mx.Final(x)->ints()[0], 9);
  ASSERT_TRUE(mx.fn().Retract(x, &c, 2).ok());  // the last 9: {5, 2} -> 5
  EXPECT_EQ(mx.Final(x)->ints()[0], 5);
  ASSERT_TRUE(mn.fn().Retract(n, &c, 3).ok());  // {5, 9, 9} -> 5
  EXPECT_EQ(mn.Final(n)->ints()[0], 5);
  ASSERT_TRUE(mx.fn().Retract(x, &c, 0).ok());
  ASSERT_TRUE(mx.fn().Retract(x, &c, 3).ok());
  EXPECT_TRUE(mx.Final(x)->IsNull(0));  // empty multiset: NULL
  // A value not held (an inconsistent changelog) changes nothing.
  ASSERT_TRUE(mx.fn().Retract(x, &c, 0).ok());
  EXPECT_TRUE(mx.Final(x)->IsNull(0));
  mx.fn().Update(x, &c, 3);
  ASSERT_TRUE(mx.fn().Retract(x, &c, 1).ok());
  EXPECT_EQ(mx.Final(x)->ints()[0], 2);
}

TEST(AggregateFunctionTest, RetractableMinMaxOfStringsDoublesAndNulls) {
  Column s(LogicalType::String());
  s.AppendString("pear");
  s.AppendString("apple");
  s.AppendNull();
  Agg mn("MIN", LogicalType::String(), false, false, /*retractable=*/true);
  uint8_t* st = mn.NewState();
  for (size_t r = 0; r < 3; ++r) mn.fn().Update(st, &s, r);
  EXPECT_EQ(mn.Final(st)->strings()[0], "apple");
  ASSERT_TRUE(mn.fn().Retract(st, &s, 2).ok());  // NULL: ignored
  ASSERT_TRUE(mn.fn().Retract(st, &s, 1).ok());
  EXPECT_EQ(mn.Final(st)->strings()[0], "pear");

  Column d(LogicalType::Double());
  for (double v : {1.5, -2.25}) d.AppendDouble(v);
  Agg mx("MAX", LogicalType::Double(), false, false, /*retractable=*/true);
  uint8_t* dt = mx.NewState();
  mx.fn().Update(dt, &d, 0);
  mx.fn().Update(dt, &d, 1);
  ASSERT_TRUE(mx.fn().Retract(dt, &d, 0).ok());
  EXPECT_DOUBLE_EQ(mx.Final(dt)->doubles()[0], -2.25);
}

TEST(AggregateFunctionTest, RetractableMinMaxSerializeAndMergeKeepTheMultiset) {
  Column c(LogicalType::BigInt());
  for (int64_t v : {3, 7, 7}) c.AppendInt(v);
  Agg mx("MAX", LogicalType::BigInt(), false, false, /*retractable=*/true);
  uint8_t* a = mx.NewState();
  for (size_t r = 0; r < 3; ++r) mx.fn().Update(a, &c, r);
  std::string bytes;
  mx.fn().Serialize(a, &bytes);
  uint8_t* b = mx.NewState();
  std::string_view in = bytes;
  ASSERT_TRUE(mx.fn().Deserialize(&in, b).ok());
  EXPECT_TRUE(in.empty());
  ASSERT_TRUE(mx.fn().Retract(b, &c, 1).ok());  // {3, 7}
  EXPECT_EQ(mx.Final(b)->ints()[0], 7);
  uint8_t* m = mx.NewState();
  mx.fn().Merge(m, a);  // {3, 7, 7}
  mx.fn().Merge(m, b);  // {3, 3, 7, 7, 7}
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(mx.fn().Retract(m, &c, 1).ok());
  EXPECT_EQ(mx.Final(m)->ints()[0], 3);
  std::string_view cut = std::string_view(bytes).substr(0, bytes.size() - 1);
  EXPECT_FALSE(mx.fn().Deserialize(&cut, mx.NewState()).ok());
}

}  // namespace
}  // namespace sluice::expr
