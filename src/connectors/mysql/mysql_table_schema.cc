#include "connectors/mysql/mysql_table_schema.h"

#include <fmt/format.h>
#include <strings.h>

namespace sluice::connectors {
namespace {

// Returns the quoted values of "enum('a','b''c')" or "set(...)".
std::vector<std::string> ParseLabels(const std::string& column_type) {
  std::vector<std::string> labels;
  size_t i = column_type.find('(');
  if (i == std::string::npos) return labels;
  std::string current;
  bool quoted = false;
  for (++i; i < column_type.size(); ++i) {
    char c = column_type[i];
    if (!quoted) {
      if (c == '\'') quoted = true;
      if (c == ')') break;
      continue;
    }
    if (c == '\'' && i + 1 < column_type.size() && column_type[i + 1] == '\'') {
      current += '\'';
      ++i;
    } else if (c == '\'') {
      labels.push_back(std::move(current));
      current.clear();
      quoted = false;
    } else {
      current += c;
    }
  }
  return labels;
}

}  // namespace

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "`";
  for (char c : name) {
    out += c;
    if (c == '`') out += '`';
  }
  return out + "`";
}

Result<MySqlTableSchema> MySqlTableSchema::Load(MySqlConnection* connection,
                                                const std::string& database,
                                                const std::string& table) {
  MySqlTableSchema schema;
  schema.database = database;
  schema.table = table;
  const std::string where = fmt::format("TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                                        connection->Quote(database), connection->Quote(table));
  ASSIGN_OR_RETURN(auto rows, connection->Query("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM "
                                                "information_schema.COLUMNS WHERE " +
                                                where + " ORDER BY ORDINAL_POSITION"));
  for (const auto& row : rows) {
    Column column;
    column.name = row[0].value_or("");
    column.data_type = row[1].value_or("");
    const std::string type = row[2].value_or("");
    column.is_unsigned = type.find("unsigned") != std::string::npos;
    if (column.data_type == "enum" || column.data_type == "set") column.labels = ParseLabels(type);
    schema.columns.push_back(std::move(column));
  }
  if (schema.columns.empty()) {
    return Status::NotFound(fmt::format("mysql-cdc: table {}.{} not found", database, table));
  }
  ASSIGN_OR_RETURN(auto keys,
                   connection->Query("SELECT COLUMN_NAME FROM "
                                     "information_schema.STATISTICS WHERE " +
                                     where + " AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX"));
  for (const auto& key : keys) {
    int index = schema.IndexOf(key[0].value_or(""));
    if (index >= 0) schema.primary_key.push_back(static_cast<size_t>(index));
  }
  return schema;
}

int MySqlTableSchema::IndexOf(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (::strcasecmp(columns[i].name.c_str(), name.c_str()) == 0) return static_cast<int>(i);
  }
  return -1;
}

std::string MySqlTableSchema::QuotedName() const {
  return QuoteIdentifier(database) + "." + QuoteIdentifier(table);
}

}  // namespace sluice::connectors
