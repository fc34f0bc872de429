#include "expr/compiled_expr.h"

#include "expr/expr_compiler.h"
#include "expr/expr_node.h"

namespace sluice::expr {
namespace {

class TreeExpr final : public CompiledExpr {
 public:
  TreeExpr(ExprNodePtr root, LogicalType type) : root_(std::move(root)), type_(type) {}

  Result<ColumnPtr> Evaluate(const Batch& batch, const SelectionVector* selection,
                             const EvalContext& context) const override {
    // A selection naming every row (ascending, so the identity) reads columns in place.
    if (selection && selection->size() == batch.num_rows) selection = nullptr;
    EvalInput in{&batch, selection, selection ? selection->size() : batch.num_rows, &context};
    ASSIGN_OR_RETURN(Operand v, root_->Eval(in));
    return ExpandOperand(v, in.rows);
  }

  const LogicalType& type() const override { return type_; }

 private:
  ExprNodePtr root_;
  LogicalType type_;
};

}  // namespace

Result<std::unique_ptr<CompiledExpr>> CompileExpr(const sql::BoundExprPtr& expr,
                                                  const FunctionRegistry& registry) {
  (void)registry;
  ExprCompiler compiler;
  ASSIGN_OR_RETURN(ExprNodePtr root, compiler.Compile(*expr));
  return std::unique_ptr<CompiledExpr>(std::make_unique<TreeExpr>(std::move(root), expr->type));
}

Status ApplyFilter(const CompiledExpr& predicate, const Batch& batch, const EvalContext& context,
                   SelectionVector* selection) {
  if (selection->empty()) return Status::Ok();
  ASSIGN_OR_RETURN(ColumnPtr mask, predicate.Evaluate(batch, selection, context));
  const uint8_t* m = mask->bools().data();
  size_t kept = 0;
  const bool nulls = mask->has_nulls();
  for (size_t i = 0; i < selection->size(); ++i) {
    (*selection)[kept] = (*selection)[i];
    kept += m[i] && !(nulls && mask->IsNull(i));
  }
  selection->resize(kept);
  return Status::Ok();
}

}  // namespace sluice::expr
