#include "expr/nested_access.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <optional>

#include "expr/expr_compiler.h"
#include "expr/function_node.h"

namespace sluice::expr {
namespace {

// Field `index` of a ROW operand: the child column shared when no row is NULL.
class FieldNode final : public ExprNode {
 public:
  FieldNode(LogicalType type, ExprNodePtr row, size_t index)
      : ExprNode(std::move(type)), row_(std::move(row)), index_(index) {}

  Result<Operand> Eval(const EvalInput& in) const override {
    ASSIGN_OR_RETURN(Operand base, row_->Eval(in));
    const Column& row = *base.column;
    const std::shared_ptr<Column>& child = row.shared_child(index_);
    if (!row.has_nulls()) return Operand{child, base.constant};
    auto out = std::make_shared<Column>(type());
    out->ShareArenasOf(*child);
    out->Reserve(row.size());
    for (size_t i = 0; i < row.size(); ++i) {
      if (row.IsNull(i)) {
        out->AppendNull();
      } else {
        out->AppendFrom(*child, i);
      }
    }
    return Operand{std::move(out), base.constant};
  }

 private:
  ExprNodePtr row_;
  size_t index_;
};

// Whether key row `k` of `keys` equals row `row` of `key` (same physical type, both valid).
bool SameKey(const Column& keys, size_t k, const Column& key, size_t row) {
  if (keys.IsNull(k)) return false;
  switch (keys.physical()) {
    case PhysicalType::kBool:
      return keys.bools()[k] == key.bools()[row];
    case PhysicalType::kInt64:
      return keys.ints()[k] == key.ints()[row];
    case PhysicalType::kDouble:
      return keys.doubles()[k] == key.doubles()[row];
    case PhysicalType::kString:
      return keys.strings()[k] == key.strings()[row];
    case PhysicalType::kNested:
      return false;
  }
  return false;
}

// ITEM(array, n) and ITEM(map, key); the index or key is already coerced to BIGINT or the key
// type.
class ItemNode final : public ExprNode {
 public:
  ItemNode(LogicalType type, ExprNodePtr base, ExprNodePtr key)
      : ExprNode(std::move(type)), base_(std::move(base)), key_(std::move(key)) {}

  Result<Operand> Eval(const EvalInput& in) const override {
    ASSIGN_OR_RETURN(Operand base, base_->Eval(in));
    ASSIGN_OR_RETURN(Operand key, key_->Eval(in));
    const bool constant = base.constant && key.constant;
    const size_t rows = constant ? 1 : in.rows;
    const Column& c = *base.column;
    const bool is_map = c.type().id == TypeId::kMap;
    const Column& values = c.child(is_map ? 1 : 0);
    auto out = std::make_shared<Column>(type());
    out->ShareArenasOf(values);
    out->Reserve(rows);
    for (size_t i = 0; i < rows; ++i) {
      const size_t b = base.Index(i);
      const size_t k = key.Index(i);
      std::optional<size_t> at;
      if (!c.IsNull(b) && !key.column->IsNull(k)) {
        at = is_map ? FindKey(c, b, *key.column, k) : Position(c, b, key.column->ints()[k]);
      }
      if (at) {
        out->AppendFrom(values, *at);
      } else {
        out->AppendNull();
      }
    }
    return Operand{std::move(out), constant};
  }

 private:
  static std::optional<size_t> Position(const Column& array, size_t row, int64_t n) {
    if (n < 1 || n > array.ElementCount(row)) return std::nullopt;
    return array.offsets()[row] + static_cast<size_t>(n - 1);
  }
  static std::optional<size_t> FindKey(const Column& map, size_t row, const Column& key, size_t k) {
    for (uint32_t e = map.offsets()[row]; e < map.offsets()[row + 1]; ++e) {
      if (SameKey(map.child(0), e, key, k)) return e;
    }
    return std::nullopt;
  }

  ExprNodePtr base_;
  ExprNodePtr key_;
};

// ELEMENT(array): the single element, NULL when empty.
class ElementNode final : public ExprNode {
 public:
  ElementNode(LogicalType type, ExprNodePtr array)
      : ExprNode(std::move(type)), array_(std::move(array)) {}

  Result<Operand> Eval(const EvalInput& in) const override {
    ASSIGN_OR_RETURN(Operand base, array_->Eval(in));
    const Column& c = *base.column;
    auto out = std::make_shared<Column>(type());
    out->ShareArenasOf(c.child(0));
    out->Reserve(c.size());
    for (size_t i = 0; i < c.size(); ++i) {
      const uint32_t count = c.IsNull(i) ? 0 : c.ElementCount(i);
      if (count > 1) {
        return Status::DataError(
            fmt::format("ELEMENT of an array with {} elements; it needs at most one", count));
      }
      if (count == 1) {
        out->AppendFrom(c.child(0), c.offsets()[i]);
      } else {
        out->AppendNull();
      }
    }
    return Operand{std::move(out), base.constant};
  }

 private:
  ExprNodePtr array_;
};

Status Cardinality(const KernelArgs& args, Column* out) {
  const Operand& a = args.args[0];
  for (size_t i = 0; i < args.rows; ++i) {
    if (!out->IsNull(i)) out->ints()[i] = a.column->ElementCount(a.Index(i));
  }
  return Status::Ok();
}

bool IsCollection(const LogicalType& t) { return t.id == TypeId::kArray || t.id == TypeId::kMap; }

Status AccessCallMismatch(const std::string& name, const std::vector<LogicalType>& args,
                          std::string_view expected) {
  std::vector<std::string> types;
  for (const auto& t : args) types.push_back(t.WithNullable(true).ToString());
  return Status::PlanError(
      fmt::format("cannot apply {} to ({}); expected {}", name, fmt::join(types, ", "), expected));
}

}  // namespace

bool NestedAccess::Handles(const std::string& name) {
  return name == "FIELD" || name == "ITEM" || name == "ELEMENT" || name == "CARDINALITY";
}

Result<LogicalType> NestedAccess::Resolve(const std::string& name,
                                          const std::vector<LogicalType>& args) {
  if (name == "CARDINALITY") {
    if (args.size() != 1 || !IsCollection(args[0])) {
      return AccessCallMismatch(name, args, "CARDINALITY(<ARRAY>) or CARDINALITY(<MAP>)");
    }
    return LogicalType::Int().WithNullable(args[0].nullable);
  }
  if (name == "ELEMENT") {
    if (args.size() != 1 || args[0].id != TypeId::kArray) {
      return AccessCallMismatch(name, args, "ELEMENT(<ARRAY>)");
    }
    return args[0].child(0).WithNullable(true);
  }
  if (name == "ITEM" && args.size() == 2) {
    const LogicalType& base = args[0];
    const LogicalType& key = args[1];
    if (base.id == TypeId::kArray && (key.is_integer() || key.id == TypeId::kNull)) {
      return base.child(0).WithNullable(true);
    }
    if (base.id == TypeId::kMap && !base.child(0).is_nested() &&
        (key.id == TypeId::kNull || key.physical() == base.child(0).physical())) {
      return base.child(1).WithNullable(true);
    }
  }
  return AccessCallMismatch(name, args, "<ARRAY>[<integer>] or <MAP>[<key of the map's key type>]");
}

Result<ExprNodePtr> NestedAccess::Compile(const sql::BoundExpr& expr,
                                          std::vector<ExprNodePtr> args) {
  const std::string& f = expr.function;
  if (f == "FIELD") {
    const size_t index = static_cast<size_t>(expr.args[1]->literal.as_int());
    return ExprNodePtr(std::make_unique<FieldNode>(expr.type, std::move(args[0]), index));
  }
  const LogicalType& type = expr.type;  // as bound: the nodes' nullability may be looser
  if (f == "CARDINALITY") {
    return ExprNodePtr(std::make_unique<FunctionNode>(type, &Cardinality, std::move(args)));
  }
  if (f == "ELEMENT") {
    return ExprNodePtr(std::make_unique<ElementNode>(type, std::move(args[0])));
  }
  const LogicalType& base = args[0]->type();
  const LogicalType key_type =
      base.id == TypeId::kArray ? LogicalType::BigInt() : base.child(0).WithNullable(true);
  ASSIGN_OR_RETURN(ExprNodePtr key, ExprCompiler::Coerce(std::move(args[1]), key_type));
  return ExprNodePtr(std::make_unique<ItemNode>(type, std::move(args[0]), std::move(key)));
}

}  // namespace sluice::expr
