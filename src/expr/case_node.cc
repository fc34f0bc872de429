#include "expr/case_node.h"

namespace sluice::expr {
namespace {

// The result of a CaseNode, filled row by row from the values of its branches: in place for
// scalar types; for nested types (whose rows cannot be written out of order) each row records
// where its value is, and Finish appends them in row order.
class CaseResult {
 public:
  CaseResult(const LogicalType& type, size_t rows)
      : nested_(type.physical() == PhysicalType::kNested), column_(std::make_shared<Column>(type)) {
    if (nested_) {
      sources_.assign(rows, {0, 0});
    } else {
      column_->Resize(rows);
    }
  }

  /// Keeps a branch's value; returns its id for Take.
  size_t Add(Operand v) {
    column_->ShareArenasOf(*v.column);
    values_.push_back(std::move(v));
    return values_.size() - 1;
  }
  /// Makes position `j` of value `id` the result of row `row`.
  void Take(size_t id, size_t j, uint32_t row) {
    const Operand& v = values_[id];
    if (nested_) {
      sources_[row] = {static_cast<uint32_t>(id), static_cast<uint32_t>(v.Index(j))};
    } else {
      CopyCell(*v.column, v.Index(j), column_.get(), row);
    }
  }
  ColumnPtr Finish() {
    for (const auto& [id, index] : sources_) column_->AppendFrom(*values_[id].column, index);
    return column_;
  }

 private:
  bool nested_;
  std::shared_ptr<Column> column_;
  std::vector<Operand> values_;
  std::vector<std::pair<uint32_t, uint32_t>> sources_;  // nested: (value id, index) per row
};

// Evaluates `node` on `positions` of `in` (all rows when `positions` covers them) and makes its
// values the results of those rows.
Status EvalInto(const ExprNode& node, const EvalInput& in, const std::vector<uint32_t>& positions,
                CaseResult* out) {
  if (positions.empty()) return Status::Ok();
  SelectionVector storage;
  bool all = positions.size() == in.rows;
  EvalInput sub = all ? in : in.Narrow(positions, &storage);
  ASSIGN_OR_RETURN(Operand v, node.Eval(sub));
  const size_t id = out->Add(std::move(v));
  for (size_t j = 0; j < positions.size(); ++j) out->Take(id, j, positions[j]);
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
  CaseResult out(type(), in.rows);
  std::vector<uint32_t> remaining(in.rows), taken, rest;
  for (size_t i = 0; i < in.rows; ++i) remaining[i] = static_cast<uint32_t>(i);
  for (size_t b = 0; b + 1 < values_.size() && !remaining.empty(); ++b) {
    taken.clear();
    rest.clear();
    SelectionVector storage;
    EvalInput sub = remaining.size() == in.rows ? in : in.Narrow(remaining, &storage);
    if (coalesce_) {
      // Rows stay open until a non-NULL value or the last argument fills them.
      ASSIGN_OR_RETURN(Operand v, values_[b]->Eval(sub));
      const size_t id = out.Add(v);
      for (size_t j = 0; j < remaining.size(); ++j) {
        if (v.IsNull(j)) {
          rest.push_back(remaining[j]);
        } else {
          out.Take(id, j, remaining[j]);
        }
      }
    } else {
      ASSIGN_OR_RETURN(Operand c, conditions_[b]->Eval(sub));
      for (size_t j = 0; j < remaining.size(); ++j) {
        bool yes = !c.IsNull(j) && c.column->bools()[c.Index(j)];
        (yes ? taken : rest).push_back(remaining[j]);
      }
      RETURN_IF_ERROR(EvalInto(*values_[b], in, taken, &out));
    }
    remaining.swap(rest);
  }
  RETURN_IF_ERROR(EvalInto(*values_.back(), in, remaining, &out));
  return Operand{out.Finish(), false};
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
