#include "sql/dead_letter_table.h"

#include <fmt/format.h>

#include <vector>

#include "sql/plan_error.h"

namespace sluice::sql {
namespace {

/// Returns the position of the last `SET 'pipeline.dead-letter'` of the script (line 1 when the
/// value came from --set only).
SourcePos SetPosition(const Script& script) {
  SourcePos pos;
  for (const auto& stmt : script.statements) {
    if (stmt.kind == StatementKind::kSet && stmt.set.key == DeadLetterTable::kSetting) {
      pos = stmt.pos;
    }
  }
  return pos;
}

}  // namespace

SchemaPtr DeadLetterTable::Schema() {
  static const SchemaPtr schema = std::make_shared<const sluice::Schema>(std::vector<Field>{
      {"source", LogicalType::String()},
      {"location", LogicalType::String()},
      {"error_class", LogicalType::String()},
      {"message", LogicalType::String()},
      {"raw", LogicalType::String()},
      {"event_time", LogicalType::Timestamp(3)},
  });
  return schema;
}

Status DeadLetterTable::Check(const std::map<std::string, std::string>& settings,
                              const std::map<std::string, CatalogTablePtr>& tables,
                              const Script& script) {
  auto setting = settings.find(kSetting);
  if (setting == settings.end()) return Status::Ok();
  const std::string& name = setting->second;
  auto table = tables.find(name);
  if (table == tables.end()) {
    std::vector<std::string> names;
    for (const auto& [declared, unused] : tables) names.push_back(declared);
    return PlanErrorAt(script.file_name, SetPosition(script),
                       fmt::format("SET '{}' = '{}': no such table{}", kSetting, name,
                                   SuggestName(name, names, "declared tables")));
  }
  const sluice::Schema actual = table->second->sink_schema();
  const sluice::Schema& expected = *Schema();
  auto refuse = [&](const std::string& what) {
    return PlanErrorAt(script.file_name, table->second->pos,
                       fmt::format("dead-letter table '{}' {}; its columns must be exactly: {}",
                                   name, what, expected.ToString()));
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    const Field& want = expected.field(i);
    if (i >= actual.size()) return refuse(fmt::format("has no column '{}'", want.name));
    const Field& got = actual.field(i);
    if (got.name != want.name || !got.type.SameAs(want.type)) {
      return refuse(fmt::format("column {} is '{} {}', expected '{} {}'", i + 1, got.name,
                                got.type.ToString(), want.name, want.type.ToString()));
    }
  }
  if (actual.size() > expected.size()) {
    return refuse(fmt::format("has an extra column '{}'", actual.field(expected.size()).name));
  }
  return Status::Ok();
}

}  // namespace sluice::sql
