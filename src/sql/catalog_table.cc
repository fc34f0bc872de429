#include "sql/catalog_table.h"

namespace sluice::sql {

Schema CatalogTable::full_schema() const {
  Schema s;
  for (const auto& c : columns) s.Add({c.name, c.type});
  return s;
}

Schema CatalogTable::stored_schema() const {
  Schema s;
  for (const auto& c : columns) {
    if (c.kind != ColumnKind::kComputed) s.Add({c.name, c.type});
  }
  return s;
}

Schema CatalogTable::sink_schema() const {
  Schema s;
  for (const auto& c : columns) {
    if (c.kind == ColumnKind::kPhysical || (c.kind == ColumnKind::kMetadata && !c.is_virtual)) {
      s.Add({c.name, c.type});
    }
  }
  return s;
}

std::string CatalogTable::option(const std::string& key, const std::string& fallback) const {
  auto it = options.find(key);
  return it == options.end() ? fallback : it->second;
}

bool CatalogTable::is_changelog_source() const {
  const std::string format = option("value.format", option("format"));
  return option("connector") == "mysql-cdc" || format == "debezium-json";
}

}  // namespace sluice::sql
