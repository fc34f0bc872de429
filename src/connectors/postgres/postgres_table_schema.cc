#include "connectors/postgres/postgres_table_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace sluice::connectors {
namespace {

// Domains are resolved to their base type; arrays keep their own type name ("_int4").
constexpr const char* kColumnsQuery = R"(
SELECT a.attname,
       COALESCE(bt.typname, t.typname),
       format_type(a.atttypid, a.atttypmod),
       a.attnotnull,
       EXISTS (SELECT 1 FROM pg_index i
               WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey)),
       a.attgenerated <> ''
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum)";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

Result<PostgresTableSchema> PostgresTableSchema::Load(PostgresConnection* connection,
                                                      const std::string& table) {
  ASSIGN_OR_RETURN(
      std::vector<PostgresConnection::Row> found,
      connection->Query("SELECT c.oid::text, n.nspname, c.relname FROM pg_class c JOIN "
                        "pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)",
                        {table}));
  if (found.empty() || !found[0][0]) {
    return Status::NotFound(fmt::format("PostgreSQL table {} does not exist", table));
  }
  PostgresTableSchema schema;
  const std::string& nspname = *found[0][1];
  const std::string& relname = *found[0][2];
  schema.quoted_schema_ = PostgresConnection::QuoteIdentifier(nspname);
  schema.quoted_name_ = schema.quoted_schema_ + "." + PostgresConnection::QuoteIdentifier(relname);
  schema.display_name_ = nspname + "." + relname;
  ASSIGN_OR_RETURN(std::vector<PostgresConnection::Row> rows,
                   connection->Query(kColumnsQuery, {*found[0][0]}));
  for (const auto& row : rows) {
    schema.columns_.push_back({row[0].value_or(""), row[1].value_or(""), row[2].value_or(""),
                               row[3] == "t", row[4] == "t", row[5] == "t"});
  }
  return schema;
}

std::optional<size_t> PostgresTableSchema::Find(const std::string& name) const {
  std::optional<size_t> folded;
  int folded_matches = 0;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return i;
    if (Lower(columns_[i].name) == Lower(name)) {
      folded = i;
      ++folded_matches;
    }
  }
  return folded_matches == 1 ? folded : std::nullopt;
}

std::vector<std::string> PostgresTableSchema::PrimaryKey() const {
  std::vector<std::string> key;
  for (const auto& c : columns_) {
    if (c.primary_key) key.push_back(c.name);
  }
  return key;
}

std::string PostgresTableSchema::ToString() const {
  std::string out;
  for (const auto& c : columns_) {
    if (!out.empty()) out += ", ";
    out += c.name + " " + c.spelling;
  }
  return out;
}

}  // namespace sluice::connectors
