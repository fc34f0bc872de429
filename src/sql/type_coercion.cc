#include "sql/type_coercion.h"

#include <algorithm>

namespace sluice::sql {
namespace {

/// Integer digits a type needs in a DECIMAL, or -1 when it is not an exact numeric.
int IntegerDigits(const LogicalType& t) {
  switch (t.id) {
    case TypeId::kInt:
      return 10;
    case TypeId::kBigInt:
      return 19;
    case TypeId::kDecimal:
      return t.precision - t.scale;
    default:
      return -1;
  }
}

int Scale(const LogicalType& t) { return t.id == TypeId::kDecimal ? t.scale : 0; }

/// Orders the numeric types by width: INT < BIGINT < DECIMAL < FLOAT < DOUBLE.
int NumericRank(TypeId id) {
  switch (id) {
    case TypeId::kInt:
      return 1;
    case TypeId::kBigInt:
      return 2;
    case TypeId::kDecimal:
      return 3;
    case TypeId::kFloat:
      return 4;
    case TypeId::kDouble:
      return 5;
    default:
      return 0;
  }
}

std::optional<LogicalType> CommonNumeric(const LogicalType& a, const LogicalType& b) {
  if (a.id == TypeId::kDouble || b.id == TypeId::kDouble) return LogicalType::Double();
  if (a.id == TypeId::kFloat || b.id == TypeId::kFloat) return LogicalType::Float();
  if (a.id != TypeId::kDecimal && b.id != TypeId::kDecimal) {
    return NumericRank(a.id) >= NumericRank(b.id) ? LogicalType{a.id} : LogicalType{b.id};
  }
  int digits = std::max(IntegerDigits(a), IntegerDigits(b));
  int scale = std::max(Scale(a), Scale(b));
  if (digits + scale > kMaxDecimalPrecision) return LogicalType::Double();
  return LogicalType::Decimal(digits + scale, scale);
}

// Whether `a` and `b` are the same type at every level but for nullability (ROW field names
// included).
bool SameShape(const LogicalType& a, const LogicalType& b) {
  if (a.id != b.id || a.precision != b.precision || a.scale != b.scale) return false;
  if (a.num_children() != b.num_children()) return false;
  for (size_t i = 0; i < a.num_children(); ++i) {
    if (a.id == TypeId::kRow && a.field_name(i) != b.field_name(i)) return false;
    if (!SameShape(a.child(i), b.child(i))) return false;
  }
  return true;
}

// Whether CAST(from AS to) is allowed between two nested types: the same kind, a ROW of as many
// fields (names come from `to`), and every child castable.
bool NestedCastable(const LogicalType& from, const LogicalType& to) {
  if (from.id != to.id || from.num_children() != to.num_children()) return false;
  for (size_t i = 0; i < from.num_children(); ++i) {
    if (!TypeCoercion::IsCastable(from.child(i), to.child(i))) return false;
  }
  return true;
}

// The common type of two nested types of one kind (ROW: the same field names), child by child.
std::optional<LogicalType> CommonNested(const LogicalType& a, const LogicalType& b) {
  if (a.id != b.id || a.num_children() != b.num_children()) return std::nullopt;
  std::vector<LogicalType> children;
  for (size_t i = 0; i < a.num_children(); ++i) {
    if (a.id == TypeId::kRow && a.field_name(i) != b.field_name(i)) return std::nullopt;
    auto c = TypeCoercion::CommonType(a.child(i), b.child(i));
    if (!c) return std::nullopt;
    children.push_back(*c);
  }
  if (a.id == TypeId::kArray) return LogicalType::Array(children[0]);
  if (a.id == TypeId::kMap) return LogicalType::Map(children[0], children[1]);
  return LogicalType::Row(a.nested->names, std::move(children));
}

}  // namespace

bool TypeCoercion::IsImplicit(const LogicalType& from, const LogicalType& to) {
  if (from.id == TypeId::kNull || from.SameAs(to)) return true;
  if (from.is_nested() || to.is_nested()) return SameShape(from, to);
  if (from.is_numeric() && to.is_numeric()) {
    if (NumericRank(to.id) > NumericRank(from.id) && to.id != TypeId::kDecimal) return true;
    if (to.id == TypeId::kDecimal) {
      int digits = IntegerDigits(from);
      return digits >= 0 && digits <= to.precision - to.scale && Scale(from) <= to.scale;
    }
    return false;
  }
  if (from.id == to.id && from.is_timestamp()) return true;
  return false;
}

bool TypeCoercion::IsCastable(const LogicalType& from, const LogicalType& to) {
  if (from.id == TypeId::kNull) return true;
  if (from.is_nested() && to.id == TypeId::kString) return true;  // as JSON text
  if (from.is_nested() || to.is_nested()) return NestedCastable(from, to);
  if (from.id == to.id) return true;
  if (to.id == TypeId::kString || from.id == TypeId::kString) return to.id != TypeId::kInterval;
  if (from.is_numeric() && to.is_numeric()) return true;
  if (from.is_numeric() && to.id == TypeId::kBoolean) return from.is_integer();
  if (from.id == TypeId::kBoolean && to.is_numeric()) return true;
  bool from_time = from.is_timestamp() || from.id == TypeId::kDate;
  bool to_time = to.is_timestamp() || to.id == TypeId::kDate;
  if (from_time && to_time) return true;
  if (from.is_integer() && to.is_timestamp()) return true;
  if (from.is_timestamp() && to.is_integer()) return true;
  return false;
}

std::optional<LogicalType> TypeCoercion::CommonType(const LogicalType& a, const LogicalType& b) {
  bool nullable = a.nullable || b.nullable;
  std::optional<LogicalType> common;
  if (a.id == TypeId::kNull) {
    common = b;
  } else if (b.id == TypeId::kNull || a.SameAs(b)) {
    common = a;
  } else if (a.is_numeric() && b.is_numeric()) {
    common = CommonNumeric(a, b);
  } else if (a.id == b.id && a.is_timestamp()) {
    common = LogicalType{a.id, std::max(a.precision, b.precision)};
  } else if (a.is_nested() && b.is_nested()) {
    common = CommonNested(a, b);
  }
  if (common) common->nullable = nullable;
  return common;
}

}  // namespace sluice::sql
