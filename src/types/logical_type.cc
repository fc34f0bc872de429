#include "types/logical_type.h"

#include <fmt/format.h>

namespace sluice {

PhysicalType LogicalType::physical() const {
  switch (id) {
    case TypeId::kBoolean: return PhysicalType::kBool;
    case TypeId::kFloat:
    case TypeId::kDouble: return PhysicalType::kDouble;
    case TypeId::kString: return PhysicalType::kString;
    default: return PhysicalType::kInt64;
  }
}

bool LogicalType::is_numeric() const {
  switch (id) {
    case TypeId::kInt:
    case TypeId::kBigInt:
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kDecimal: return true;
    default: return false;
  }
}

std::string LogicalType::ToString() const {
  std::string s;
  switch (id) {
    case TypeId::kNull: s = "NULL"; break;
    case TypeId::kBoolean: s = "BOOLEAN"; break;
    case TypeId::kInt: s = "INT"; break;
    case TypeId::kBigInt: s = "BIGINT"; break;
    case TypeId::kFloat: s = "FLOAT"; break;
    case TypeId::kDouble: s = "DOUBLE"; break;
    case TypeId::kDecimal: s = fmt::format("DECIMAL({}, {})", precision, scale); break;
    case TypeId::kString: s = "STRING"; break;
    case TypeId::kTimestamp: s = fmt::format("TIMESTAMP({})", precision); break;
    case TypeId::kTimestampLtz: s = fmt::format("TIMESTAMP_LTZ({})", precision); break;
    case TypeId::kDate: s = "DATE"; break;
    case TypeId::kInterval: s = "INTERVAL DAY TO SECOND"; break;
  }
  if (!nullable && id != TypeId::kNull) s += " NOT NULL";
  return s;
}

int64_t DecimalScaleFactor(int scale) {
  int64_t f = 1;
  for (int i = 0; i < scale; ++i) f *= 10;
  return f;
}

}  // namespace sluice
