#include "connectors/clickhouse/clickhouse_table_schema.h"

#include <fmt/format.h>

#include <sstream>

namespace sluice::connectors {
namespace {

// Splits one TabSeparated line into fields, undoing TSV escapes (\t \n \\ \' and friends).
std::vector<std::string> SplitTsvLine(const std::string& line) {
  std::vector<std::string> fields(1);
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\t') {
      fields.emplace_back();
    } else if (c == '\\' && i + 1 < line.size()) {
      char e = line[++i];
      fields.back().push_back(e == 't' ? '\t' : e == 'n' ? '\n' : e == '0' ? '\0' : e);
    } else {
      fields.back().push_back(c);
    }
  }
  return fields;
}

}  // namespace

Result<ClickHouseTableSchema> ClickHouseTableSchema::Load(ClickHouseHttpClient* client,
                                                          const std::string& database,
                                                          const std::string& table) {
  std::string qualified = ClickHouseHttpClient::QuoteIdentifier(database) + "." +
                          ClickHouseHttpClient::QuoteIdentifier(table);
  ASSIGN_OR_RETURN(std::string out,
                   client->Query("DESCRIBE TABLE " + qualified + " FORMAT TabSeparated"));
  return Parse(out, database + "." + table);
}

Result<ClickHouseTableSchema> ClickHouseTableSchema::Parse(const std::string& describe_output,
                                                           const std::string& qualified_name) {
  ClickHouseTableSchema schema;
  schema.qualified_name_ = qualified_name;
  std::istringstream in(describe_output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields = SplitTsvLine(line);
    if (fields.size() < 2) {
      return Status::Internal(
          fmt::format("unexpected DESCRIBE line for {}: {}", qualified_name, line));
    }
    Column column;
    column.name = fields[0];
    column.type_spelling = fields[1];
    column.default_kind = fields.size() > 2 ? fields[2] : "";
    auto type = ClickHouseType::Parse(fields[1]);
    if (type.ok()) {
      column.type = std::move(type).value();
    } else {
      column.type_error = type.status().message();
    }
    schema.columns_.push_back(std::move(column));
  }
  if (schema.columns_.empty()) {
    return Status::NotFound(fmt::format("ClickHouse table {} has no columns", qualified_name));
  }
  return schema;
}

std::optional<size_t> ClickHouseTableSchema::Find(const std::string& name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return i;
  }
  return std::nullopt;
}

std::string ClickHouseTableSchema::ToString() const {
  std::string out;
  for (const auto& c : columns_) {
    if (!out.empty()) out += ", ";
    out += c.name + " " + c.type_spelling;
  }
  return out;
}

}  // namespace sluice::connectors
