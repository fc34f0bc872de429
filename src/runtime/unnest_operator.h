#pragma once

#include <memory>
#include <string>

#include "expr/compiled_expr.h"
#include "expr/function_registry.h"
#include "runtime/operator.h"
#include "sql/logical_plan.h"

namespace sluice::runtime {

/// `CROSS JOIN UNNEST(collection)` (kUnnest): each input row once per element of its ARRAY
/// (entry of its MAP), with the element appended (a ROW element as its fields; a MAP entry as
/// key and value). A NULL or empty collection yields no row. Stateless; row kinds, row
/// watermarks and watermarks pass through. Lifecycle as Operator; single-threaded.
class UnnestOperator : public Operator {
 public:
  /// Returns the operator for `node` (a kUnnest).
  static Result<std::unique_ptr<UnnestOperator>> Create(const sql::PlanNode& node,
                                                        const expr::FunctionRegistry& functions);

  Status Process(const BatchPtr& batch, size_t input) override;
  Status AdvanceWatermark(Watermark watermark, size_t input) override;
  Status Finish() override;
  std::string Describe() const override { return description_; }

 private:
  UnnestOperator(SchemaPtr schema, std::unique_ptr<expr::CompiledExpr> collection,
                 std::string description);

  SchemaPtr schema_;
  std::unique_ptr<expr::CompiledExpr> collection_;
  std::string description_;
};

}  // namespace sluice::runtime
