#include "connectors/postgres/postgres_row_encoder.h"

#include <fmt/format.h>

#include <limits>

#include "common/civil_time.h"
#include "connectors/formats/json_encoder.h"
#include "connectors/postgres/postgres_connection.h"
#include "types/cell_text.h"

namespace sluice::connectors {
namespace {

bool OneOf(const std::string& s, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (s == n) return true;
  }
  return false;
}

// Returns the range of an int2/int4 target; int8 holds every value a pipeline integer has.
std::pair<int64_t, int64_t> PostgresIntegerRange(const std::string& target) {
  if (target == "int2") return {-32768, 32767};
  if (target == "int4") {
    return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
  }
  return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
}

void AppendCopyEscaped(std::string_view s, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        out->push_back(c);
    }
  }
}

}  // namespace

bool PostgresRowEncoder::CanEncode(const LogicalType& source, const std::string& target) {
  bool is_integer_target = OneOf(target, {"int2", "int4", "int8"});
  bool is_float_target = OneOf(target, {"float4", "float8", "numeric"});
  switch (source.id) {
    case TypeId::kBoolean:
      return target == "bool";
    case TypeId::kInt:
    case TypeId::kBigInt:
    case TypeId::kInterval:
      return is_integer_target || is_float_target;
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kDecimal:
      return is_float_target;
    case TypeId::kString:
      return OneOf(target, {"text", "varchar", "bpchar"});
    case TypeId::kDate:
      return OneOf(target, {"date", "timestamp", "timestamptz"});
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:
      return OneOf(target, {"timestamp", "timestamptz"});
    case TypeId::kNull:
      return true;  // only NULLs
    case TypeId::kRow:
    case TypeId::kArray:
    case TypeId::kMap:
      return OneOf(target, {"jsonb", "json", "text"});  // as JSON
  }
  return false;
}

Result<PostgresRowEncoder> PostgresRowEncoder::Create(std::vector<ColumnSpec> columns,
                                                      std::string table) {
  for (const ColumnSpec& spec : columns) {
    if (!CanEncode(spec.source, spec.target_type)) {
      return Status::PlanError(fmt::format(
          "column '{}' of type {} cannot be written to column '{}' of type {} in PostgreSQL "
          "table {}",
          spec.name, spec.source.WithNullable(true).ToString(), spec.name, spec.target_spelling,
          table));
    }
  }
  PostgresRowEncoder encoder;
  encoder.columns_ = std::move(columns);
  encoder.table_ = std::move(table);
  return encoder;
}

Result<bool> PostgresRowEncoder::AppendText(const ColumnSpec& spec, const Column& column,
                                            size_t row, std::string* out) const {
  if (column.IsNull(row) || spec.source.id == TypeId::kNull) return false;
  switch (spec.source.id) {
    case TypeId::kBoolean:
      out->push_back(column.bools()[row] ? 't' : 'f');
      return true;
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kDecimal:
    case TypeId::kString:
    case TypeId::kDate:
      AppendCellText(column, row, out);
      return true;
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:
      out->append(FormatTimestamp(column.ints()[row], 3));  // UTC; the session runs in UTC
      return true;
    case TypeId::kRow:
    case TypeId::kArray:
    case TypeId::kMap:
      JsonEncoder::AppendValue(column, row, out);
      return true;
    default:
      break;
  }
  int64_t v = column.ints()[row];
  auto [lo, hi] = PostgresIntegerRange(spec.target_type);
  if (v < lo || v > hi) {
    return Status::DataError(
        fmt::format("value {} of column '{}' is out of range for {} in PostgreSQL table {}", v,
                    spec.name, spec.target_spelling, table_));
  }
  fmt::format_to(std::back_inserter(*out), "{}", v);
  return true;
}

Status PostgresRowEncoder::AppendCopyRow(const Batch& batch, size_t row, std::string* out) const {
  std::string value;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) out->push_back('\t');
    value.clear();
    ASSIGN_OR_RETURN(bool present,
                     AppendText(columns_[i], batch.column(columns_[i].batch_column), row, &value));
    if (present) {
      AppendCopyEscaped(value, out);
    } else {
      out->append("\\N");
    }
  }
  out->push_back('\n');
  return Status::Ok();
}

Status PostgresRowEncoder::AppendLiteralRow(const Batch& batch, size_t row,
                                            const std::vector<size_t>& indexes,
                                            std::string* out) const {
  std::string value;
  out->push_back('(');
  for (size_t k = 0; k < indexes.size(); ++k) {
    const ColumnSpec& spec = columns_[indexes[k]];
    if (k > 0) out->append(", ");
    value.clear();
    ASSIGN_OR_RETURN(bool present, AppendText(spec, batch.column(spec.batch_column), row, &value));
    out->append(present ? PostgresConnection::QuoteLiteral(value) : "NULL");
  }
  out->push_back(')');
  return Status::Ok();
}

}  // namespace sluice::connectors
