// Retractable MIN/MAX (changelog input): a per-state multiset of values, so retracting the
// extreme falls back to the next one, duplicates count, and the state survives serialisation.

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "expr/function_registry.h"
#include "sql/bound_expr.h"

namespace sluice::expr {
namespace {

class RetractableAgg {
 public:
  RetractableAgg(const std::string& name, LogicalType type) {
    sql::BoundAggregate a;
    a.function = name;
    a.arg = sql::MakeColumnRef(0, type);
    auto f = registry_.CreateAggregate(a, /*retractable=*/true);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    fn_ = std::move(*f);
  }
  ~RetractableAgg() {
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

 private:
  FunctionRegistry registry_;
  std::unique_ptr<AggregateFunction> fn_;
  std::vector<std::vector<uint64_t>> states_;
};

TEST(MinMaxRetractTest, RetractingTheExtremeFallsBack) {
  Column c(LogicalType::Int());
  for (int64_t v : {5, 9, 9, 2}) c.AppendInt(v);  // rows 0..3
  RetractableAgg mx("MAX", LogicalType::Int());
  RetractableAgg mn("MIN", LogicalType::Int());
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
  EXPECT_TRUE(mx.Final(x)->IsNull(0));                                  // empty multiset: NULL
  // A value not held (an inconsistent changelog) changes nothing.
  ASSERT_TRUE(mx.fn().Retract(x, &c, 0).ok());
  EXPECT_TRUE(mx.Final(x)->IsNull(0));
  mx.fn().Update(x, &c, 3);
  ASSERT_TRUE(mx.fn().Retract(x, &c, 1).ok());
  EXPECT_EQ(mx.Final(x)->ints()[0], 2);
}

TEST(MinMaxRetractTest, StringsDoublesAndNulls) {
  Column s(LogicalType::String());
  s.AppendString("pear");
  s.AppendString("apple");
  s.AppendNull();
  RetractableAgg mn("MIN", LogicalType::String());
  uint8_t* st = mn.NewState();
  for (size_t r = 0; r < 3; ++r) mn.fn().Update(st, &s, r);
  EXPECT_EQ(mn.Final(st)->strings()[0], "apple");
  ASSERT_TRUE(mn.fn().Retract(st, &s, 2).ok());  // NULL: ignored
  ASSERT_TRUE(mn.fn().Retract(st, &s, 1).ok());
  EXPECT_EQ(mn.Final(st)->strings()[0], "pear");

  Column d(LogicalType::Double());
  for (double v : {1.5, -2.25}) d.AppendDouble(v);
  RetractableAgg mx("MAX", LogicalType::Double());
  uint8_t* dt = mx.NewState();
  mx.fn().Update(dt, &d, 0);
  mx.fn().Update(dt, &d, 1);
  ASSERT_TRUE(mx.fn().Retract(dt, &d, 0).ok());
  EXPECT_DOUBLE_EQ(mx.Final(dt)->doubles()[0], -2.25);
}

TEST(MinMaxRetractTest, SerializeMergeKeepTheMultiset) {
  Column c(LogicalType::BigInt());
  for (int64_t v : {3, 7, 7}) c.AppendInt(v);
  RetractableAgg mx("MAX", LogicalType::BigInt());
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
