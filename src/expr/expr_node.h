#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "expr/compiled_expr.h"
#include "expr/selection_vector.h"
#include "types/batch.h"

namespace sluice::expr {

/// The rows one node evaluates: `rows` rows of `batch`, row i being batch row
/// `selection[i]` (or i when `selection` is null).
struct EvalInput {
  const Batch* batch = nullptr;
  const SelectionVector* selection = nullptr;
  size_t rows = 0;
  const EvalContext* context = nullptr;

  uint32_t BatchRow(size_t i) const {
    return selection ? (*selection)[i] : static_cast<uint32_t>(i);
  }
  /// Returns the input restricted to positions `positions` (ascending indexes into this input);
  /// the new selection is stored in `storage`, which must outlive the result.
  EvalInput Narrow(const std::vector<uint32_t>& positions, SelectionVector* storage) const;
};

/// A node's result: a column with one value per evaluated row, or, when `constant`, one value
/// standing for every row.
struct Operand {
  ColumnPtr column;
  bool constant = false;

  size_t Index(size_t i) const { return constant ? 0 : i; }
  bool IsNull(size_t i) const { return column->IsNull(Index(i)); }
};

/// Returns a column of `operand` expanded to `rows` rows (a constant repeated).
ColumnPtr ExpandOperand(const Operand& operand, size_t rows);
/// Writes row `from_row` of `from` into row `to_row` of `to` (same physical type, or NULL);
/// `to` must already share the arenas of `from` for strings.
void CopyCell(const Column& from, size_t from_row, Column* to, size_t to_row);

/// One node of a compiled expression tree. Nodes evaluate a whole column per call; the only
/// virtual call is per node and batch. Immutable after construction.
class ExprNode {
 public:
  explicit ExprNode(LogicalType type) : type_(type) {}
  virtual ~ExprNode() = default;

  virtual Result<Operand> Eval(const EvalInput& in) const = 0;
  const LogicalType& type() const { return type_; }

 private:
  LogicalType type_;
};

using ExprNodePtr = std::unique_ptr<ExprNode>;

/// Per-expression data a kernel needs (a compiled pattern, a cast's source type ...).
struct KernelState {
  virtual ~KernelState() = default;
};

/// What a kernel sees: its evaluated arguments, the row count (1 when all are constant), the
/// evaluation context and its per-expression state.
struct KernelArgs {
  const std::vector<Operand>& args;
  size_t rows;
  const EvalContext& context;
  const KernelState* state;
};

/// Computes a function over whole columns into `out`, which has `rows` rows and, when the
/// function propagates NULLs, already has every row with a NULL argument marked NULL (the kernel
/// must not fail on those rows).
using Kernel = Status (*)(const KernelArgs& args, Column* out);

}  // namespace sluice::expr
