#include "expr/function_registry.h"

#include <fmt/format.h>

#include <algorithm>

#include "expr/count_aggregate.h"
#include "expr/count_distinct_aggregate.h"
#include "expr/min_max_aggregate.h"
#include "expr/scalar_type_resolver.h"
#include "expr/sum_aggregate.h"

namespace sluice::expr {
namespace {

Result<LogicalType> ResolveSumOrAvg(const std::string& name, const LogicalType& arg) {
  const bool avg = name == "AVG";
  switch (arg.id) {
    case TypeId::kInt:
      return LogicalType::Int();
    case TypeId::kBigInt:
      return LogicalType::BigInt();
    case TypeId::kFloat:
    case TypeId::kDouble:
      return LogicalType::Double();
    case TypeId::kDecimal:
      return LogicalType::Decimal(18, avg ? std::max(6, arg.scale) : arg.scale);
    default:
      return Status::PlanError(fmt::format("{}({}) is not supported; expected {}(<numeric>)", name,
                                           arg.WithNullable(true).ToString(), name));
  }
}

}  // namespace

FunctionRegistry::FunctionRegistry() = default;
FunctionRegistry::~FunctionRegistry() = default;

Result<LogicalType> FunctionRegistry::ResolveScalar(
    const std::string& name, const std::vector<LogicalType>& arg_types) const {
  return ScalarTypeResolver::Resolve(name, arg_types);
}

bool FunctionRegistry::IsAggregate(const std::string& name) const {
  return name == "COUNT" || name == "SUM" || name == "AVG" || name == "MIN" || name == "MAX";
}

Result<LogicalType> FunctionRegistry::ResolveAggregate(const std::string& name,
                                                       const LogicalType& arg_type) const {
  if (name == "COUNT") return LogicalType::BigInt().WithNullable(false);
  if (name == "SUM" || name == "AVG") return ResolveSumOrAvg(name, arg_type);
  if (name == "MIN" || name == "MAX") {
    if (arg_type.id == TypeId::kNull) {
      return Status::PlanError(
          fmt::format("{}(NULL) is not supported; expected {}(<value>)", name, name));
    }
    if (arg_type.is_nested()) {
      return Status::PlanError(
          fmt::format("{}({}) is not supported; ROW, ARRAY and MAP values "
                      "have no order",
                      name, arg_type.WithNullable(true).ToString()));
    }
    return arg_type.WithNullable(true);
  }
  return Status::PlanError(fmt::format("unknown aggregate function {}", name));
}

Result<std::unique_ptr<AggregateFunction>> FunctionRegistry::CreateAggregate(
    const sql::BoundAggregate& aggregate) const {
  return CreateAggregate(aggregate, false);
}

Result<std::unique_ptr<AggregateFunction>> FunctionRegistry::CreateAggregate(
    const sql::BoundAggregate& aggregate, bool retractable) const {
  const std::string& name = aggregate.function;
  if (name == "COUNT") {
    if (aggregate.count_star || aggregate.arg == nullptr) {
      return std::unique_ptr<AggregateFunction>(std::make_unique<CountAggregate>(true));
    }
    if (aggregate.distinct) {
      if (aggregate.arg->type.is_nested()) {
        return Status::PlanError("COUNT(DISTINCT ...) of a ROW, ARRAY or MAP is not supported");
      }
      return std::unique_ptr<AggregateFunction>(
          std::make_unique<CountDistinctAggregate>(aggregate.arg->type));
    }
    return std::unique_ptr<AggregateFunction>(std::make_unique<CountAggregate>(false));
  }
  if (aggregate.arg == nullptr) {
    return Status::PlanError(fmt::format("{} needs an argument", name));
  }
  const LogicalType& arg = aggregate.arg->type;
  ASSIGN_OR_RETURN(LogicalType result, ResolveAggregate(name, arg));
  if (name == "MIN" || name == "MAX") {
    return std::unique_ptr<AggregateFunction>(
        std::make_unique<MinMaxAggregate>(name == "MAX", arg, retractable));
  }
  if (aggregate.distinct) {
    return Status::Unsupported(fmt::format("{}(DISTINCT ...) is not supported yet", name));
  }
  return std::unique_ptr<AggregateFunction>(
      std::make_unique<SumAggregate>(name == "AVG", arg, result));
}

}  // namespace sluice::expr
