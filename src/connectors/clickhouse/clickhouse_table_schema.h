#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/clickhouse/clickhouse_http_client.h"
#include "connectors/clickhouse/clickhouse_type.h"

namespace sluice::connectors {

/// The columns of a ClickHouse table as `DESCRIBE TABLE` reports them, with parsed types.
/// Immutable once loaded.
class ClickHouseTableSchema {
 public:
  struct Column {
    std::string name;
    std::string type_spelling;  // as DESCRIBE printed it
    ClickHouseType type;        // valid when type_error is empty
    std::string type_error;     // why the type could not be parsed (only an error if written)
    std::string default_kind;   // "", "DEFAULT", "MATERIALIZED" or "ALIAS"
  };

  /// Runs DESCRIBE TABLE `database`.`table` through `client` and parses every column.
  static Result<ClickHouseTableSchema> Load(ClickHouseHttpClient* client,
                                            const std::string& database, const std::string& table);
  /// Parses DESCRIBE's TabSeparated output (name, type, default kind, default expression, ...).
  static Result<ClickHouseTableSchema> Parse(const std::string& describe_output,
                                             const std::string& qualified_name);

  const std::vector<Column>& columns() const { return columns_; }
  const std::string& qualified_name() const { return qualified_name_; }
  /// Returns the index of the column named `name` (exact match).
  std::optional<size_t> Find(const std::string& name) const;
  /// Returns "a Int64, b String, ...".
  std::string ToString() const;

 private:
  std::string qualified_name_;
  std::vector<Column> columns_;
};

}  // namespace sluice::connectors
