#pragma once

#include "common/status.h"
#include "sql/token_cursor.h"
#include "types/logical_type.h"

namespace sluice::sql {

/// Parses a data type as Flink SQL writes it, straight into a LogicalType:
/// BOOLEAN; TINYINT, SMALLINT, INT, INTEGER (all INT); BIGINT; FLOAT, REAL; DOUBLE [PRECISION];
/// DECIMAL, DEC, NUMERIC [(p [, s])] (default (10, 0), p at most 18); STRING, VARCHAR [(n)],
/// CHAR [(n)] (all STRING; n is checked, not kept); TIMESTAMP [(p)] [WITHOUT TIME ZONE]
/// (default p 6, kept as declared though values are milliseconds); TIMESTAMP [(p)] WITH LOCAL
/// TIME ZONE and TIMESTAMP_LTZ [(p)]; DATE; nested to any depth: ROW<name type, ...> and
/// ROW(name type, ...) (a field may carry NOT NULL and a 'comment'), ARRAY<type>, MAP<key, value>.
/// The nullability of the outermost type is not parsed here; that of nested types is.
///
/// Borrows the cursor for one Parse() call. Not thread-safe.
class TypeParser {
 public:
  explicit TypeParser(TokenCursor& cursor) : cursor_(cursor) {}

  /// Parses one type at the cursor and moves past it.
  Result<LogicalType> Parse();

 private:
  /// Parses "(n)" when present, checking min <= n <= max; returns `fallback` when absent.
  Result<int> ParseOptionalParam(int fallback, int min, int max, std::string_view what);
  Result<int> ParseIntParam(int min, int max, std::string_view what);
  Result<LogicalType> ParseDecimal();
  Result<LogicalType> ParseTimestamp();
  Result<LogicalType> ParseRow();
  Result<LogicalType> ParseArray();
  Result<LogicalType> ParseMap();
  /// Parses a type nested in ROW, ARRAY or MAP with its optional NOT NULL.
  Result<LogicalType> ParseChild();

  TokenCursor& cursor_;
};

}  // namespace sluice::sql
