#include "expr/nested_constructor.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "expr/expr_compiler.h"
#include "sql/type_coercion.h"

namespace sluice::expr {
namespace {

// Builds one nested value per row from the argument columns: for ARRAY every argument is an
// element, for MAP arguments alternate key and value, for ROW argument i is field i.
class ConstructorNode final : public ExprNode {
 public:
  ConstructorNode(LogicalType type, std::vector<ExprNodePtr> args)
      : ExprNode(std::move(type)), args_(std::move(args)) {}

  Result<Operand> Eval(const EvalInput& in) const override {
    std::vector<Operand> values;
    bool constant = true;
    for (const auto& a : args_) {
      ASSIGN_OR_RETURN(Operand v, a->Eval(in));
      constant = constant && v.constant;
      values.push_back(std::move(v));
    }
    const size_t rows = constant ? 1 : in.rows;
    auto out = std::make_shared<Column>(type());
    const TypeId id = type().id;
    for (size_t a = 0; a < values.size(); ++a) {
      out->child(ChildOf(id, a)).ShareArenasOf(*values[a].column);
    }
    for (size_t i = 0; i < rows; ++i) {
      for (size_t a = 0; a < values.size(); ++a) {
        out->child(ChildOf(id, a)).AppendFrom(*values[a].column, values[a].Index(i));
      }
      out->EndNestedValue();
    }
    return Operand{std::move(out), constant};
  }

 private:
  static size_t ChildOf(TypeId id, size_t arg) {
    if (id == TypeId::kArray) return 0;
    if (id == TypeId::kMap) return arg % 2;
    return arg;
  }

  std::vector<ExprNodePtr> args_;
};

Status ConstructorCallMismatch(const std::string& name, const std::vector<LogicalType>& args,
                               std::string_view expected) {
  std::vector<std::string> types;
  for (const auto& t : args) types.push_back(t.WithNullable(true).ToString());
  return Status::PlanError(
      fmt::format("cannot apply {} to ({}); expected {}", name, fmt::join(types, ", "), expected));
}

// The common type of `types` (nullable when one is), or nullopt when there is none.
std::optional<LogicalType> Common(const std::vector<LogicalType>& types) {
  std::optional<LogicalType> common;
  bool nullable = false;
  for (const LogicalType& t : types) {
    nullable = nullable || t.nullable;
    if (t.id == TypeId::kNull) continue;
    if (!common) {
      common = t;
    } else if (t.is_nested() || common->is_nested()) {
      if (!common->SameAs(t)) return std::nullopt;
    } else if (!(common = sql::TypeCoercion::CommonType(*common, t))) {
      return std::nullopt;
    }
  }
  if (!common) common = LogicalType::String();  // only NULLs
  return common->WithNullable(nullable);
}

}  // namespace

bool NestedConstructor::Handles(const std::string& name) {
  return name == "ARRAY" || name == "MAP" || name == "ROW";
}

Result<LogicalType> NestedConstructor::Resolve(const std::string& name,
                                               const std::vector<LogicalType>& args) {
  if (name == "ROW") {
    if (args.empty()) return ConstructorCallMismatch(name, args, "ROW(<value>, ...)");
    std::vector<std::string> names;
    for (size_t i = 0; i < args.size(); ++i) names.push_back(fmt::format("EXPR${}", i));
    std::vector<LogicalType> types = args;
    for (auto& t : types) {
      if (t.id == TypeId::kNull) t = LogicalType::String();
    }
    return LogicalType::Row(std::move(names), std::move(types)).WithNullable(false);
  }
  if (name == "ARRAY") {
    auto element = args.empty() ? std::nullopt : Common(args);
    if (!element)
      return ConstructorCallMismatch(name, args, "ARRAY[<value>, ...] of one common type");
    return LogicalType::Array(*element).WithNullable(false);
  }
  std::vector<LogicalType> keys, values;
  for (size_t i = 0; i < args.size(); ++i) (i % 2 == 0 ? keys : values).push_back(args[i]);
  auto key = keys.empty() || args.size() % 2 != 0 ? std::nullopt : Common(keys);
  auto value = key ? Common(values) : std::nullopt;
  if (!value || key->is_nested()) {
    return ConstructorCallMismatch(
        name, args,
        "MAP[<key>, <value>, ...] with keys of one common scalar type and values of "
        "one common type");
  }
  return LogicalType::Map(*key, *value).WithNullable(false);
}

Result<ExprNodePtr> NestedConstructor::Compile(const sql::BoundExpr& expr,
                                               std::vector<ExprNodePtr> args) {
  const LogicalType& type = expr.type;  // as bound: the nodes' nullability may be looser
  for (size_t a = 0; a < args.size(); ++a) {
    const LogicalType& to = type.id == TypeId::kRow     ? type.child(a)
                            : type.id == TypeId::kArray ? type.child(0)
                                                        : type.child(a % 2);
    if (!to.is_nested()) {
      ASSIGN_OR_RETURN(args[a], ExprCompiler::Coerce(std::move(args[a]), to));
    }
  }
  return ExprNodePtr(std::make_unique<ConstructorNode>(type, std::move(args)));
}

}  // namespace sluice::expr
