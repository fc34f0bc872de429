
#include "expr/tests/expr_test_support.h"

namespace sluice::expr {
namespace {

using namespace testing;  // NOLINT

TEST(FilterTest, KeepsOnlyRowsWherePredicateIsTrue) {
  Batch b =
      MakeBatch({"1", "5", "null", "7", "2"}, {"0", "0", "0", "0", "0"}, {"a", "b", "c", "d", "e"});
  FunctionRegistry r;
  auto pred = CompileExpr(Fn(">", {Col(0, LogicalType::BigInt()), Big(1)}), r);
  ASSERT_TRUE(pred.ok());
  SelectionVector sel = {0, 1, 2, 3, 4};
  ASSERT_TRUE(ApplyFilter(**pred, b, EvalContext{}, &sel).ok());
  EXPECT_EQ(sel, (SelectionVector{1, 3, 4}));  // NULL drops row 2
  // Narrowing an already narrowed selection evaluates only the selected rows.
  auto pred2 = CompileExpr(Fn("<>", {Col(2, LogicalType::String()), Str("d")}), r);
  ASSERT_TRUE(ApplyFilter(**pred2, b, EvalContext{}, &sel).ok());
  EXPECT_EQ(sel, (SelectionVector{1, 4}));
  auto vals = (*pred2)->Evaluate(b, &sel, EvalContext{});
  ASSERT_TRUE(vals.ok());
  EXPECT_EQ((*vals)->size(), 2u);
  SelectionVector empty;
  ASSERT_TRUE(ApplyFilter(**pred, b, EvalContext{}, &empty).ok());
  EXPECT_TRUE(empty.empty());
}

TEST(FilterTest, ConstantPredicateAppliesToEveryRow) {
  Batch b = MakeBatch({"1", "2"}, {"0", "0"}, {"a", "b"});
  FunctionRegistry r;
  auto t = CompileExpr(Fn("=", {Int(1), Int(1)}), r);
  SelectionVector sel = {0, 1};
  ASSERT_TRUE(ApplyFilter(**t, b, EvalContext{}, &sel).ok());
  EXPECT_EQ(sel.size(), 2u);
  auto f = CompileExpr(Null(LogicalType::Boolean()), r);
  ASSERT_TRUE(ApplyFilter(**f, b, EvalContext{}, &sel).ok());
  EXPECT_TRUE(sel.empty());
}

TEST(FilterTest, MillionRowsFilterAndArithmeticKeepTheRightRows) {
  // One million rows in batches of 4096, the size operators exchange.
  const size_t n = 4096, batches = 245;
  auto q = std::make_shared<Column>(LogicalType::Int());
  auto p = std::make_shared<Column>(LogicalType::Double());
  q->Resize(n);
  p->Resize(n);
  for (size_t i = 0; i < n; ++i) {
    q->ints()[i] = static_cast<int64_t>(i % 100);
    p->doubles()[i] = 1.5;
  }
  Batch b;
  b.columns = {q, p};
  b.num_rows = n;
  FunctionRegistry r;
  auto qty = Col(0, LogicalType::Int()), price = Col(1, LogicalType::Double());
  auto pred = CompileExpr(Fn(">", {Fn("*", {qty, price}), Dbl(75)}), r);
  ASSERT_TRUE(pred.ok());
  SelectionVector all(n), sel;
  for (size_t i = 0; i < n; ++i) all[i] = static_cast<uint32_t>(i);
  size_t kept = 0;
  for (size_t k = 0; k < batches; ++k) {
    sel = all;
    ASSERT_TRUE(ApplyFilter(**pred, b, EvalContext{}, &sel).ok());
    kept += sel.size();
  }
  // q * 1.5 > 75 <=> q > 50: rows with q in 51..99, 49 of every 100.
  size_t per_batch = 0;
  for (size_t i = 0; i < n; ++i) per_batch += i % 100 > 50;
  EXPECT_EQ(kept, per_batch * batches);
}

}  // namespace
}  // namespace sluice::expr
