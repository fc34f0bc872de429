#include "expr/function_node.h"

namespace sluice::expr {

FunctionNode::FunctionNode(LogicalType type, Kernel kernel, std::vector<ExprNodePtr> args,
                           std::unique_ptr<KernelState> state, bool propagate_nulls)
    : ExprNode(type),
      kernel_(kernel),
      args_(std::move(args)),
      state_(std::move(state)),
      propagate_nulls_(propagate_nulls) {}

Result<Operand> FunctionNode::Eval(const EvalInput& in) const {
  std::vector<Operand> values;
  values.reserve(args_.size());
  bool all_constant = true;
  for (const auto& a : args_) {
    ASSIGN_OR_RETURN(Operand v, a->Eval(in));
    all_constant = all_constant && v.constant;
    values.push_back(std::move(v));
  }
  const size_t rows = all_constant ? 1 : in.rows;
  auto out = std::make_shared<Column>(type());
  out->Resize(rows);
  if (propagate_nulls_) {
    for (const Operand& v : values) {
      if (!v.column->has_nulls()) continue;
      for (size_t i = 0; i < rows; ++i) {
        if (v.IsNull(i)) out->SetNull(i);
      }
    }
  }
  KernelArgs args{values, rows, *in.context, state_.get()};
  RETURN_IF_ERROR(kernel_(args, out.get()));
  return Operand{std::move(out), all_constant};
}

}  // namespace sluice::expr
