#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/catalog_table.h"
#include "sql/expression_binder.h"

namespace sluice::sql {

/// A view declared by CREATE VIEW; its query is bound again (inlined) wherever it is used.
struct CatalogView {
  std::string name;
  SourcePos pos;
  std::shared_ptr<Query> query;
  std::vector<std::string> columns;  // CREATE VIEW v (a, b): names for the query's columns
};

/// The tables and views a pipeline file declares, in one namespace. Filled statement by
/// statement while planning; not thread-safe.
class Catalog {
 public:
  Catalog(const std::string& file_name, ExpressionBinder* binder)
      : file_(file_name), binder_(binder) {}

  /// Registers CREATE TABLE at `pos`: substitutes ${VAR:-default} in option values, binds
  /// computed columns over the stored row and the watermark over the full row. Redeclaring a
  /// name is an error unless IF NOT EXISTS.
  Status AddTable(const CreateTableStmt& stmt, SourcePos pos);
  /// Registers CREATE VIEW at `pos`; the caller has checked that its query binds.
  Status AddView(const CreateViewStmt& stmt, SourcePos pos);

  /// Returns the table named `name`, or null.
  CatalogTablePtr FindTable(const std::string& name) const;
  /// Returns the view named `name`, or null.
  const CatalogView* FindView(const std::string& name) const;
  /// Returns a plan error for an unknown table or view at `pos`, suggesting declared names.
  Status UnknownTable(const std::string& name, SourcePos pos) const;
  /// Returns a plan error if `name` is already declared.
  Status CheckNewName(const std::string& name, SourcePos pos) const;

  const std::map<std::string, CatalogTablePtr>& tables() const { return tables_; }

 private:
  Status AddColumns(const CreateTableStmt& stmt, CatalogTable* table) const;
  Status BindWatermark(const WatermarkDef& wm, CatalogTable* table) const;
  Status AddOptions(const CreateTableStmt& stmt, CatalogTable* table) const;

  const std::string& file_;
  ExpressionBinder* binder_;
  std::map<std::string, CatalogTablePtr> tables_;
  std::map<std::string, CatalogView> views_;
};

}  // namespace sluice::sql
