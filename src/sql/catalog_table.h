#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sql/ast.h"
#include "sql/bound_expr.h"
#include "types/schema.h"

namespace sluice::sql {

/// A column of a table as declared in CREATE TABLE.
struct CatalogColumn {
  std::string name;
  LogicalType type;
  ColumnKind kind = ColumnKind::kPhysical;
  std::string metadata_key;  // kMetadata
  bool is_virtual = false;   // kMetadata ... VIRTUAL: readable, not written by sinks
  /// kComputed: the expression over the table's stored row (physical and metadata columns, in
  /// declaration order, as `stored_schema()` lists them).
  BoundExprPtr computed;
};

/// A table declared by CREATE TABLE: columns, watermark, key and connector options (with
/// ${VAR:-default} already substituted). Immutable once registered.
struct CatalogTable {
  std::string name;
  SourcePos pos;
  std::vector<CatalogColumn> columns;
  /// The rowtime column and its watermark expression over the full row (all columns, in
  /// declaration order, as `full_schema()` lists them).
  std::optional<size_t> watermark_column;
  BoundExprPtr watermark_expr;
  std::vector<std::string> primary_key;
  std::map<std::string, std::string> options;

  /// Returns every column, in declaration order.
  Schema full_schema() const;
  /// Returns the physical and metadata columns, in declaration order: what a source decodes.
  Schema stored_schema() const;
  /// Returns the physical columns and the non-virtual metadata columns: what a sink writes.
  Schema sink_schema() const;
  /// Returns the option value or `fallback`.
  std::string option(const std::string& key, const std::string& fallback = "") const;
  /// Returns true when reading the table gives a changelog (updates and deletes): connector
  /// 'mysql-cdc', or format 'debezium-json' ('format' or 'value.format').
  bool is_changelog_source() const;
};

using CatalogTablePtr = std::shared_ptr<const CatalogTable>;

}  // namespace sluice::sql
