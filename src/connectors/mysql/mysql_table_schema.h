#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/mysql/mysql_connection.h"

namespace sluice::connectors {

/// The columns and primary key of one MySQL/MariaDB table, read from information_schema: what
/// the binlog does not carry (names, signedness, ENUM/SET labels). A value type.
struct MySqlTableSchema {
  struct Column {
    std::string name;
    std::string data_type;  // information_schema DATA_TYPE, e.g. "int", "varchar"
    bool is_unsigned = false;
    std::vector<std::string> labels;  // ENUM and SET values in declaration order
  };

  std::string database;
  std::string table;
  std::vector<Column> columns;      // in table order
  std::vector<size_t> primary_key;  // indexes into columns, in key order

  /// Reads table `database`.`table`; kNotFound when it has no columns.
  static Result<MySqlTableSchema> Load(MySqlConnection* connection, const std::string& database,
                                       const std::string& table);
  /// Returns the index of the column named `name` (case-insensitive), or -1.
  int IndexOf(const std::string& name) const;
  /// Returns `database`.`table` quoted for SQL.
  std::string QuotedName() const;
};

/// Returns `name` quoted as a MySQL identifier.
std::string QuoteIdentifier(const std::string& name);

}  // namespace sluice::connectors
