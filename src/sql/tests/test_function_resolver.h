#pragma once

#include <fmt/format.h>

#include <set>
#include <string>
#include <vector>

#include "sql/function_resolver.h"
#include "sql/type_coercion.h"

namespace sluice::sql::testing {

/// A small FunctionResolver for planner tests: operators, CASE, CONCAT, UPPER and the five
/// basic aggregates, typed as Flink types them.
class TestFunctionResolver : public FunctionResolver {
 public:
  Result<LogicalType> ResolveScalar(const std::string& name,
                                    const std::vector<LogicalType>& args) const override {
    bool nullable = false;
    for (const auto& a : args) nullable |= a.nullable;
    static const std::set<std::string> kArithmetic = {"+", "-", "*", "/", "%"};
    static const std::set<std::string> kCompare = {"=", "<>", "<", "<=", ">", ">="};
    if (kArithmetic.count(name) && args.size() == 2) {
      if (args[0].is_timestamp() && args[1].id == TypeId::kInterval && name != "*") {
        return args[0].WithNullable(nullable);
      }
      if (args[0].is_numeric() && args[1].is_numeric()) {
        return TypeCoercion::CommonType(args[0], args[1])->WithNullable(nullable);
      }
      return Status::PlanError(fmt::format("'{}' expects numeric operands", name));
    }
    if (name == "NEGATE") return args[0];
    if (kCompare.count(name)) {
      if (!TypeCoercion::CommonType(args[0], args[1])) {
        return Status::PlanError(
            fmt::format("cannot compare {} with {}", args[0].ToString(), args[1].ToString()));
      }
      return LogicalType::Boolean().WithNullable(nullable);
    }
    if (name == "AND" || name == "OR" || name == "NOT") {
      for (const auto& a : args) {
        if (a.id != TypeId::kBoolean && a.id != TypeId::kNull) {
          return Status::PlanError(fmt::format("{} expects BOOLEAN operands", name));
        }
      }
      return LogicalType::Boolean().WithNullable(nullable);
    }
    if (name == "IS_NULL" || name == "IS_NOT_NULL")
      return LogicalType::Boolean().WithNullable(false);
    if (name == "IN" || name == "LIKE") return LogicalType::Boolean().WithNullable(nullable);
    if (name == "CONCAT" || name == "UPPER") return LogicalType::String().WithNullable(nullable);
    if (name == "CASE") {
      LogicalType t = args.back();
      for (size_t i = 1; i + 1 < args.size(); i += 2) {
        auto common = TypeCoercion::CommonType(t, args[i]);
        if (!common) return Status::PlanError("CASE branches have no common type");
        t = *common;
      }
      return t;
    }
    return Status::PlanError(fmt::format("unknown function '{}'", name));
  }

  Result<LogicalType> ResolveAggregate(const std::string& name,
                                       const LogicalType& arg) const override {
    if (name == "COUNT") return LogicalType::BigInt().WithNullable(false);
    if ((name == "SUM" || name == "AVG") && !arg.is_numeric()) {
      return Status::PlanError(fmt::format("{} expects a numeric argument", name));
    }
    return arg.WithNullable(true);
  }

  bool IsAggregate(const std::string& name) const override {
    return name == "COUNT" || name == "SUM" || name == "AVG" || name == "MIN" || name == "MAX";
  }
};

}  // namespace sluice::sql::testing
