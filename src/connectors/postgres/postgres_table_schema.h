#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/postgres/postgres_connection.h"

namespace sluice::connectors {

/// The columns of a PostgreSQL table as the catalog (pg_attribute, pg_index) reports them.
/// Immutable once loaded.
class PostgresTableSchema {
 public:
  struct Column {
    std::string name;
    std::string type_name;  // pg_type.typname of the base type, e.g. "int4", "numeric"
    std::string spelling;   // format_type(), e.g. "numeric(10,2)", "character varying(20)"
    bool not_null = false;
    bool primary_key = false;
    bool generated = false;  // GENERATED ALWAYS AS (...) STORED: cannot be written
  };

  /// Reads the table named `table` ("t" or "schema.t", resolved as PostgreSQL resolves a name in
  /// SQL, with the connection's search_path). A missing table is kNotFound.
  static Result<PostgresTableSchema> Load(PostgresConnection* connection, const std::string& table);

  const std::vector<Column>& columns() const { return columns_; }
  /// Returns `"schema"."table"`, quoted for SQL.
  const std::string& quoted_name() const { return quoted_name_; }
  /// Returns `"schema"` quoted for SQL (where sluice_commits lives).
  const std::string& quoted_schema() const { return quoted_schema_; }
  /// Returns schema.table, for messages.
  const std::string& display_name() const { return display_name_; }
  /// Returns the index of the column named `name`: an exact match, else the only match ignoring
  /// case (unquoted SQL names are folded to lower case).
  std::optional<size_t> Find(const std::string& name) const;
  /// Returns the primary key's column names in table order.
  std::vector<std::string> PrimaryKey() const;
  /// Returns "a integer, b text, ...".
  std::string ToString() const;

 private:
  std::vector<Column> columns_;
  std::string quoted_name_;
  std::string quoted_schema_;
  std::string display_name_;
};

}  // namespace sluice::connectors
