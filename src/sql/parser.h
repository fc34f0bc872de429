#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "sql/ast.h"
#include "types/logical_type.h"

namespace sluice::sql {

/// Parses a pipeline file in Flink SQL's dialect: statements separated by ';' (the last ';' is
/// optional): SET, CREATE [TEMPORARY] TABLE, CREATE [TEMPORARY] VIEW, INSERT INTO, a bare query,
/// and EXPLAIN [PLAN FOR] <insert or query>. Flink's statement sets (EXECUTE STATEMENT SET BEGIN
/// insert; ... END, and BEGIN STATEMENT SET; insert; ... END;) become their INSERT statements.
/// `file_name` names the file in error messages and is kept in the Script with the text.
///
/// Errors are kParseError with the message "<file>:<line>:<col>: expected <what>, found
/// <token>", a newline, the source line (indented two spaces), a newline and a caret line.
/// Thread-safe (no shared state).
Result<Script> ParseScript(std::string_view text, const std::string& file_name);

/// Parses `text` as one scalar expression (nothing may follow it). Errors as ParseScript's.
Result<AstExprPtr> ParseExpression(std::string_view text, const std::string& file_name);

/// Parses `text` as one data type, e.g. "DECIMAL(10, 2)" (nothing may follow it; NOT NULL is
/// accepted at the end). Errors as ParseScript's.
Result<LogicalType> ParseDataType(std::string_view text, const std::string& file_name);

}  // namespace sluice::sql
