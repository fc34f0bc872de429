#include "connectors/clickhouse/clickhouse_table_creator.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>

#include "connectors/clickhouse/clickhouse_upsert_rows.h"

namespace sluice::connectors {
namespace {

// Returns the identifiers in key expressions ("a, `b`, toDate(c)" -> a, b, toDate, c): a column
// named among them is part of a sort or partition key.
std::vector<std::string> KeyIdentifiers(const std::string& keys) {
  std::vector<std::string> names;
  for (size_t i = 0; i < keys.size();) {
    unsigned char c = static_cast<unsigned char>(keys[i]);
    if (c == '`') {
      size_t end = keys.find('`', i + 1);
      if (end == std::string::npos) break;
      names.push_back(keys.substr(i + 1, end - i - 1));
      i = end + 1;
    } else if (std::isalpha(c) || c == '_') {
      size_t end = i;
      while (end < keys.size() &&
             (std::isalnum(static_cast<unsigned char>(keys[end])) || keys[end] == '_')) {
        ++end;
      }
      names.push_back(keys.substr(i, end - i));
      i = end;
    } else {
      ++i;
    }
  }
  return names;
}

}  // namespace

namespace {

// Whether ClickHouse accepts Nullable(<type>): not for Tuple, Array or Map.
bool CanBeNullable(std::string_view type) {
  return type.rfind("Tuple(", 0) != 0 && type.rfind("Array(", 0) != 0 && type.rfind("Map(", 0) != 0;
}

}  // namespace

Result<std::string> ClickHouseTableCreator::ColumnType(const LogicalType& type, bool datetime64,
                                                       bool map) {
  // A nested element's type, with Nullable where the element is nullable and ClickHouse allows.
  auto element = [&](const LogicalType& t) -> Result<std::string> {
    ASSIGN_OR_RETURN(std::string inner, ColumnType(t, datetime64, map));
    if (t.nullable && CanBeNullable(inner)) return "Nullable(" + inner + ")";
    return inner;
  };
  switch (type.id) {
    case TypeId::kRow: {
      std::vector<std::string> elements;
      for (size_t i = 0; i < type.num_children(); ++i) {
        ASSIGN_OR_RETURN(std::string e, element(type.child(i)));
        elements.push_back(std::move(e));
      }
      return fmt::format("Tuple({})", fmt::join(elements, ", "));
    }
    case TypeId::kArray: {
      ASSIGN_OR_RETURN(std::string e, element(type.child(0)));
      return "Array(" + e + ")";
    }
    case TypeId::kMap: {
      if (!map) return std::string("String");  // JSON text
      ASSIGN_OR_RETURN(std::string key, ColumnType(type.child(0), datetime64, map));
      ASSIGN_OR_RETURN(std::string value, element(type.child(1)));
      return fmt::format("Map({}, {})", key, value);
    }
    case TypeId::kBoolean:
      return std::string("UInt8");
    case TypeId::kInt:
      return std::string("Int32");
    case TypeId::kBigInt:
    case TypeId::kInterval:
      return std::string("Int64");
    case TypeId::kFloat:
      return std::string("Float32");
    case TypeId::kDouble:
      return std::string("Float64");
    case TypeId::kDecimal:
      return fmt::format("Decimal({}, {})", type.precision, type.scale);
    case TypeId::kString:
      return std::string("String");
    case TypeId::kDate:
      return std::string("Date");
    case TypeId::kTimestamp:
    case TypeId::kTimestampLtz:
      if (datetime64 && type.precision > 0) return fmt::format("DateTime64({})", type.precision);
      return std::string("DateTime");
    case TypeId::kNull:
      break;
  }
  return Status::PlanError(fmt::format("type {} has no ClickHouse column type", type.ToString()));
}

std::string ClickHouseTableCreator::DefaultOrderBy(const Definition& definition) {
  std::vector<std::string> keys = definition.primary_key;
  if (keys.empty()) {
    for (size_t i = 0; i < definition.partial_merge.size(); ++i) {
      if (definition.partial_merge[i].empty()) keys.push_back(definition.schema.field(i).name);
    }
  }
  std::string order_by;
  for (const std::string& key : keys) {
    if (!order_by.empty()) order_by += ", ";
    order_by += ClickHouseHttpClient::QuoteIdentifier(key);
  }
  return order_by;
}

std::string ClickHouseTableCreator::Engine(const Definition& definition) {
  if (definition.upsert) {
    return fmt::format("ReplacingMergeTree({})", ClickHouseUpsertRows::kVersionColumn);
  }
  return definition.partial_merge.empty() ? "MergeTree()" : "SummingMergeTree()";
}

Result<std::string> ClickHouseTableCreator::CreateTableStatement(const Definition& definition,
                                                                 bool datetime64, bool map) {
  std::string order_by =
      definition.order_by.empty() ? DefaultOrderBy(definition) : definition.order_by;
  // ClickHouse refuses Nullable columns in sort and partition keys.
  std::vector<std::string> sort_columns = KeyIdentifiers(order_by + " " + definition.partition_by);
  std::string columns;
  for (size_t i = 0; i < definition.schema.size(); ++i) {
    const Field& field = definition.schema.field(i);
    ASSIGN_OR_RETURN(std::string type, ColumnType(field.type, datetime64, map));
    bool in_key =
        std::find(sort_columns.begin(), sort_columns.end(), field.name) != sort_columns.end();
    const std::string merge =
        i < definition.partial_merge.size() ? definition.partial_merge[i] : std::string();
    if (merge == "min" || merge == "max") {
      type = fmt::format("AggregateFunction({}, {})", merge, type);  // no value: an empty state
    } else if (field.type.nullable && !in_key && CanBeNullable(type)) {
      type = "Nullable(" + type + ")";
    }
    if (!columns.empty()) columns += ", ";
    columns += ClickHouseHttpClient::QuoteIdentifier(field.name) + " " + type;
  }
  if (definition.upsert) {
    columns += fmt::format(", {} UInt64, {} UInt8", ClickHouseUpsertRows::kVersionColumn,
                           ClickHouseUpsertRows::kDeletedColumn);
  }
  std::string statement = fmt::format("CREATE TABLE IF NOT EXISTS {}.{} ({}) ENGINE = {}",
                                      ClickHouseHttpClient::QuoteIdentifier(definition.database),
                                      ClickHouseHttpClient::QuoteIdentifier(definition.table),
                                      columns, Engine(definition));
  if (!definition.partition_by.empty()) statement += " PARTITION BY " + definition.partition_by;
  statement += " ORDER BY " + (order_by.empty() ? std::string("tuple()") : "(" + order_by + ")");
  if (definition.deduplication_window > 0) {
    statement += fmt::format(" SETTINGS non_replicated_deduplication_window = {}",
                             definition.deduplication_window);
  }
  return statement;
}

Result<bool> ClickHouseTableCreator::TableExists(const Definition& definition) {
  ASSIGN_OR_RETURN(std::string count, client_->Query(fmt::format(
                                          "SELECT count() FROM system.tables WHERE database = "
                                          "{} AND name = {} FORMAT TabSeparated",
                                          ClickHouseHttpClient::QuoteLiteral(definition.database),
                                          ClickHouseHttpClient::QuoteLiteral(definition.table))));
  return count.rfind("1", 0) == 0;
}

bool ClickHouseTableCreator::HasMap() {
  // Servers before Map answer "Unknown function map" or "Unknown data type family: Map".
  return client_->Query("SELECT CAST(map('a', 1) AS Map(String, UInt8)) FORMAT TabSeparated").ok();
}

bool ClickHouseTableCreator::HasDateTime64() {
  // 18.16 answers "Unknown data type family: DateTime64"; any error means no.
  return client_->Query("SELECT CAST(0 AS DateTime64(3)) FORMAT TabSeparated").ok();
}

Result<std::vector<std::string>> ClickHouseTableCreator::Ensure(const Definition& definition) {
  std::vector<std::string> ran;
  ASSIGN_OR_RETURN(bool exists, TableExists(definition));
  if (exists) return ran;
  std::string create_database =
      "CREATE DATABASE IF NOT EXISTS " + ClickHouseHttpClient::QuoteIdentifier(definition.database);
  RETURN_IF_ERROR(client_->Query(create_database).status());
  ran.push_back(create_database);
  ASSIGN_OR_RETURN(std::string create_table,
                   CreateTableStatement(definition, HasDateTime64(), HasMap()));
  RETURN_IF_ERROR(client_->Query(create_table).status());
  ran.push_back(create_table);
  return ran;
}

}  // namespace sluice::connectors
