#include "runtime/aggregate_inputs.h"

#include <fmt/format.h>

namespace sluice::runtime {

Result<AggregateInputs::Input> AggregateInputs::Compile(const sql::BoundExprPtr& expr,
                                                        const expr::FunctionRegistry& registry) {
  Input input;
  input.bound = expr;
  if (expr->kind != sql::BoundExprKind::kColumnRef) {
    ASSIGN_OR_RETURN(input.compiled, expr::CompileExpr(expr, registry));
  }
  return input;
}

Result<std::unique_ptr<AggregateInputs>> AggregateInputs::Create(
    const std::vector<sql::BoundExprPtr>& keys, const std::vector<sql::BoundAggregate>& aggregates,
    const expr::FunctionRegistry& registry) {
  return Create(keys, aggregates, registry, false);
}

Result<std::unique_ptr<AggregateInputs>> AggregateInputs::Create(
    const std::vector<sql::BoundExprPtr>& keys, const std::vector<sql::BoundAggregate>& aggregates,
    const expr::FunctionRegistry& registry, bool retractable) {
  auto inputs = std::unique_ptr<AggregateInputs>(new AggregateInputs());
  for (const auto& key : keys) {
    ASSIGN_OR_RETURN(Input input, Compile(key, registry));
    inputs->keys_.push_back(std::move(input));
  }
  for (const auto& agg : aggregates) {
    std::unique_ptr<Input> arg;
    if (agg.arg) {
      ASSIGN_OR_RETURN(Input input, Compile(agg.arg, registry));
      arg = std::make_unique<Input>(std::move(input));
    }
    std::unique_ptr<Input> filter;
    if (agg.filter) {
      ASSIGN_OR_RETURN(Input input, Compile(agg.filter, registry));
      filter = std::make_unique<Input>(std::move(input));
    }
    ASSIGN_OR_RETURN(std::unique_ptr<expr::AggregateFunction> function,
                     registry.CreateAggregate(agg, retractable));
    inputs->args_.push_back(std::move(arg));
    inputs->filters_.push_back(std::move(filter));
    inputs->functions_.push_back(std::move(function));
  }
  inputs->key_columns_.resize(inputs->keys_.size());
  inputs->arg_columns_.resize(aggregates.size());
  inputs->filter_masks_.resize(aggregates.size());
  return inputs;
}

Result<const Column*> AggregateInputs::EvaluateInput(const Input& input, const Batch& batch,
                                                     const expr::EvalContext& context) {
  if (!input.compiled) {
    if (input.bound->column >= batch.columns.size()) {
      return Status::Internal(
          fmt::format("aggregate input refers to column {} of a {}-column batch",
                      input.bound->column, batch.columns.size()));
    }
    return batch.columns[input.bound->column].get();
  }
  ASSIGN_OR_RETURN(ColumnPtr column, input.compiled->Evaluate(batch, nullptr, context));
  evaluated_.push_back(column);
  return column.get();
}

Status AggregateInputs::Evaluate(const Batch& batch, const expr::EvalContext& context) {
  evaluated_.clear();
  for (size_t k = 0; k < keys_.size(); ++k) {
    ASSIGN_OR_RETURN(key_columns_[k], EvaluateInput(keys_[k], batch, context));
  }
  for (size_t a = 0; a < functions_.size(); ++a) {
    arg_columns_[a] = nullptr;
    if (args_[a]) {
      ASSIGN_OR_RETURN(arg_columns_[a], EvaluateInput(*args_[a], batch, context));
    }
    if (!filters_[a]) continue;
    ASSIGN_OR_RETURN(const Column* filter, EvaluateInput(*filters_[a], batch, context));
    std::vector<uint8_t>& mask = filter_masks_[a];
    if (filter->physical() != PhysicalType::kBool || filter->size() < batch.num_rows) {
      return Status::Internal("aggregate FILTER did not evaluate to a BOOLEAN per row");
    }
    mask.assign(filter->bools().begin(), filter->bools().begin() + batch.num_rows);
    if (filter->has_nulls()) {
      for (size_t i = 0; i < batch.num_rows; ++i) {
        if (filter->IsNull(i)) mask[i] = 0;
      }
    }
  }
  return Status::Ok();
}

std::vector<const expr::AggregateFunction*> AggregateInputs::function_pointers() const {
  std::vector<const expr::AggregateFunction*> out;
  for (const auto& f : functions_) out.push_back(f.get());
  return out;
}

std::vector<LogicalType> AggregateInputs::key_types() const {
  std::vector<LogicalType> out;
  for (const auto& k : keys_) out.push_back(k.bound->type);
  return out;
}

}  // namespace sluice::runtime
