#include "sql/type_parser.h"

#include <fmt/format.h>

#include <algorithm>

namespace sluice::sql {
namespace {

constexpr int kMaxTimestampPrecision = 9;

}  // namespace

Result<int> TypeParser::ParseIntParam(int min, int max, std::string_view what) {
  const Token& t = cursor_.Peek();
  std::string range = fmt::format("{} from {} to {}", what, min, max);
  if (t.kind != TokenKind::kInteger) return cursor_.ErrorHere(range);
  long long value = t.text.size() > 12 ? max + 1LL : std::stoll(t.text);
  if (value < min || value > max) return cursor_.ErrorHere(range);
  cursor_.Next();
  return static_cast<int>(value);
}

Result<int> TypeParser::ParseOptionalParam(int fallback, int min, int max, std::string_view what) {
  if (!cursor_.AcceptSymbol("(")) return fallback;
  ASSIGN_OR_RETURN(int value, ParseIntParam(min, max, what));
  RETURN_IF_ERROR(cursor_.ExpectSymbol(")"));
  return value;
}

Result<LogicalType> TypeParser::ParseDecimal() {
  int precision = 10;
  int scale = 0;
  if (cursor_.AcceptSymbol("(")) {
    ASSIGN_OR_RETURN(precision,
                     ParseIntParam(1, kMaxDecimalPrecision,
                                   "a DECIMAL precision (sluice supports precision up to 18)"));
    if (cursor_.AcceptSymbol(",")) {
      ASSIGN_OR_RETURN(scale, ParseIntParam(0, precision, "a DECIMAL scale"));
    }
    if (!cursor_.AcceptSymbol(")")) return cursor_.ErrorHere("',' or ')'");
  }
  return LogicalType::Decimal(precision, scale);
}

Result<LogicalType> TypeParser::ParseTimestamp() {
  ASSIGN_OR_RETURN(int precision,
                   ParseOptionalParam(6, 0, kMaxTimestampPrecision, "a TIMESTAMP precision"));
  if (cursor_.AcceptKeyword("WITHOUT")) {
    RETURN_IF_ERROR(cursor_.ExpectKeyword("TIME"));
    RETURN_IF_ERROR(cursor_.ExpectKeyword("ZONE"));
    return LogicalType::Timestamp(precision);
  }
  if (cursor_.AcceptKeyword("WITH")) {
    if (!cursor_.AcceptKeyword("LOCAL")) {
      return cursor_.ErrorHere("'LOCAL' (only TIMESTAMP WITH LOCAL TIME ZONE is supported)");
    }
    RETURN_IF_ERROR(cursor_.ExpectKeyword("TIME"));
    RETURN_IF_ERROR(cursor_.ExpectKeyword("ZONE"));
    return LogicalType::TimestampLtz(precision);
  }
  return LogicalType::Timestamp(precision);
}

Result<LogicalType> TypeParser::ParseChild() {
  TokenCursor::NestingGuard guard(cursor_);
  RETURN_IF_ERROR(guard.status());
  ASSIGN_OR_RETURN(LogicalType type, Parse());
  if (cursor_.IsKeyword("NOT") && cursor_.IsKeyword("NULL", 1)) {
    cursor_.Next();
    cursor_.Next();
    type.nullable = false;
  } else {
    cursor_.AcceptKeyword("NULL");
  }
  return type;
}

Result<LogicalType> TypeParser::ParseRow() {
  const bool angle = cursor_.IsSymbol("<");
  if (!angle && !cursor_.IsSymbol("(")) return cursor_.ErrorHere("'<' or '(' after ROW");
  cursor_.Next();
  const char* close = angle ? ">" : ")";
  std::vector<std::string> names;
  std::vector<LogicalType> types;
  do {
    const Token& name = cursor_.Peek();
    if (name.kind != TokenKind::kWord && name.kind != TokenKind::kQuotedName) {
      return cursor_.ErrorHere("a ROW field name");
    }
    if (std::find(names.begin(), names.end(), name.text) != names.end()) {
      return cursor_.ErrorAt(name.pos, "a ROW field name not used before",
                             fmt::format("'{}' again", name.text));
    }
    names.push_back(cursor_.Next().text);
    ASSIGN_OR_RETURN(LogicalType type, ParseChild());
    if (cursor_.Peek().kind == TokenKind::kString) cursor_.Next();  // the field's description
    types.push_back(std::move(type));
  } while (cursor_.AcceptSymbol(","));
  if (!cursor_.AcceptSymbol(close)) return cursor_.ErrorHere(fmt::format("',' or '{}'", close));
  return LogicalType::Row(std::move(names), std::move(types));
}

Result<LogicalType> TypeParser::ParseArray() {
  RETURN_IF_ERROR(cursor_.ExpectSymbol("<"));
  ASSIGN_OR_RETURN(LogicalType element, ParseChild());
  RETURN_IF_ERROR(cursor_.ExpectSymbol(">"));
  return LogicalType::Array(std::move(element));
}

Result<LogicalType> TypeParser::ParseMap() {
  RETURN_IF_ERROR(cursor_.ExpectSymbol("<"));
  ASSIGN_OR_RETURN(LogicalType key, ParseChild());
  RETURN_IF_ERROR(cursor_.ExpectSymbol(","));
  ASSIGN_OR_RETURN(LogicalType value, ParseChild());
  RETURN_IF_ERROR(cursor_.ExpectSymbol(">"));
  return LogicalType::Map(std::move(key), std::move(value));
}

Result<LogicalType> TypeParser::Parse() {
  const Token& t = cursor_.Peek();
  static constexpr std::string_view kExpected =
      "a data type (BOOLEAN, TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE, DECIMAL, STRING, "
      "VARCHAR, CHAR, TIMESTAMP, TIMESTAMP_LTZ, DATE, ROW, ARRAY or MAP)";
  if (t.kind != TokenKind::kWord) return cursor_.ErrorHere(kExpected);
  const std::string upper = t.upper;
  if (upper == "BOOLEAN") {
    cursor_.Next();
    return LogicalType::Boolean();
  }
  if (upper == "TINYINT" || upper == "SMALLINT" || upper == "INT" || upper == "INTEGER") {
    cursor_.Next();
    return LogicalType::Int();
  }
  if (upper == "BIGINT") {
    cursor_.Next();
    return LogicalType::BigInt();
  }
  if (upper == "FLOAT" || upper == "REAL") {
    cursor_.Next();
    return LogicalType::Float();
  }
  if (upper == "DOUBLE") {
    cursor_.Next();
    cursor_.AcceptKeyword("PRECISION");
    return LogicalType::Double();
  }
  if (upper == "DECIMAL" || upper == "DEC" || upper == "NUMERIC") {
    cursor_.Next();
    return ParseDecimal();
  }
  if (upper == "STRING") {
    cursor_.Next();
    return LogicalType::String();
  }
  if (upper == "VARCHAR" || upper == "CHAR") {
    cursor_.Next();
    RETURN_IF_ERROR(
        ParseOptionalParam(1, 1, 2147483647, fmt::format("a {} length", upper)).status());
    return LogicalType::String();
  }
  if (upper == "TIMESTAMP") {
    cursor_.Next();
    return ParseTimestamp();
  }
  if (upper == "TIMESTAMP_LTZ") {
    cursor_.Next();
    ASSIGN_OR_RETURN(int precision,
                     ParseOptionalParam(6, 0, kMaxTimestampPrecision, "a TIMESTAMP_LTZ precision"));
    return LogicalType::TimestampLtz(precision);
  }
  if (upper == "DATE") {
    cursor_.Next();
    return LogicalType::Date();
  }
  if (upper == "ROW") {
    cursor_.Next();
    return ParseRow();
  }
  if (upper == "ARRAY") {
    cursor_.Next();
    return ParseArray();
  }
  if (upper == "MAP") {
    cursor_.Next();
    return ParseMap();
  }
  return cursor_.ErrorHere(kExpected);
}

}  // namespace sluice::sql
