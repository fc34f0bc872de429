#include "expr/case_node.h"

namespace sluice::expr {
namespace {

// Evaluates `node` on `positions` of `in` (all rows when `positions` covers them) and writes
// the values into those rows of `out`.
Status EvalInto(const ExprNode& node, const EvalInput& in, const std::vector<uint32_t>& positions,
                Column* out) {
  if (positions.empty()) return Status::Ok();
  SelectionVector storage;
  bool all = positions.size() == in.rows;
  EvalInput sub = all ? in : in.Narrow(positions, &storage);
  ASSIGN_OR_RETURN(Operand v, node.Eval(sub));
  out->ShareArenasOf(*v.column);
  for (size_t j = 0; j < positions.size(); ++j) CopyCell(*v.column, v.Index(j), out, positions[j]);
  return Status::Ok();
}

}  // namespace

CaseNode::CaseNode(LogicalType type, std::vector<ExprNodePtr> conditions,
                   std::vector<ExprNodePtr> values)
    : ExprNode(type),
      coalesce_(false),
      conditions_(std::move(conditions)),
      values_(std::move(values)) {}

CaseNode::CaseNode(LogicalType type, std::vector<ExprNodePtr> values)
    : ExprNode(type), coalesce_(true), values_(std::move(values)) {}

Result<Operand> CaseNode::Eval(const EvalInput& in) const {
  auto out = std::make_shared<Column>(type());
  out->Resize(in.rows);
  std::vector<uint32_t> remaining(in.rows), taken, rest;
  for (size_t i = 0; i < in.rows; ++i) remaining[i] = static_cast<uint32_t>(i);
  for (size_t b = 0; b + 1 < values_.size() && !remaining.empty(); ++b) {
    taken.clear();
    rest.clear();
    if (coalesce_) {
      // Rows stay unwritten (valid) until a non-NULL value or the last argument fills them.
      SelectionVector storage;
      EvalInput sub = remaining.size() == in.rows ? in : in.Narrow(remaining, &storage);
      ASSIGN_OR_RETURN(Operand v, values_[b]->Eval(sub));
      out->ShareArenasOf(*v.column);
      for (size_t j = 0; j < remaining.size(); ++j) {
        if (v.IsNull(j)) {
          rest.push_back(remaining[j]);
        } else {
          CopyCell(*v.column, v.Index(j), out.get(), remaining[j]);
        }
      }
    } else {
      SelectionVector storage;
      EvalInput sub = remaining.size() == in.rows ? in : in.Narrow(remaining, &storage);
      ASSIGN_OR_RETURN(Operand c, conditions_[b]->Eval(sub));
      for (size_t j = 0; j < remaining.size(); ++j) {
        bool yes = !c.IsNull(j) && c.column->bools()[c.Index(j)];
        (yes ? taken : rest).push_back(remaining[j]);
      }
      RETURN_IF_ERROR(EvalInto(*values_[b], in, taken, out.get()));
    }
    remaining.swap(rest);
  }
  RETURN_IF_ERROR(EvalInto(*values_.back(), in, remaining, out.get()));
  return Operand{std::move(out), false};
}

LogicNode::LogicNode(bool is_and, ExprNodePtr left, ExprNodePtr right)
    : ExprNode(LogicalType::Boolean()),
      is_and_(is_and),
      left_(std::move(left)),
      right_(std::move(right)) {}

Result<Operand> LogicNode::Eval(const EvalInput& in) const {
  ASSIGN_OR_RETURN(Operand l, left_->Eval(in));
  const uint8_t decided = is_and_ ? 0 : 1;  // FALSE decides AND, TRUE decides OR
  std::vector<uint32_t> open;
  open.reserve(in.rows);
  for (size_t i = 0; i < in.rows; ++i) {
    if (l.IsNull(i) || l.column->bools()[l.Index(i)] != decided)
      open.push_back(static_cast<uint32_t>(i));
  }
  auto out = std::make_shared<Column>(LogicalType::Boolean());
  out->Resize(in.rows);
  std::fill(out->bools().begin(), out->bools().end(), decided);
  if (open.empty()) return Operand{std::move(out), false};
  SelectionVector storage;
  EvalInput sub = open.size() == in.rows ? in : in.Narrow(open, &storage);
  ASSIGN_OR_RETURN(Operand r, right_->Eval(sub));
  for (size_t j = 0; j < open.size(); ++j) {
    size_t i = open[j];
    bool r_null = r.IsNull(j);
    uint8_t rv = r_null ? 0 : r.column->bools()[r.Index(j)];
    if (!r_null && rv == decided) continue;  // the right side decides
    if (l.IsNull(i) || r_null)
      out->SetNull(i);
    else
      out->bools()[i] = rv;  // left and right both undecided: the neutral value
  }
  return Operand{std::move(out), false};
}

}  // namespace sluice::expr
