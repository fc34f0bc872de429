#include "sql/catalog.h"

#include <fmt/format.h>

#include "common/env_substitution.h"
#include "sql/plan_error.h"

namespace sluice::sql {
namespace {

Scope ScopeOf(const Schema& schema, const std::string& table) {
  Scope scope;
  scope.description = table;
  for (const auto& f : schema.fields()) scope.columns.push_back({table, f.name, f.type});
  return scope;
}

}  // namespace

Status Catalog::CheckNewName(const std::string& name, SourcePos pos) const {
  SourcePos previous;
  if (auto t = tables_.find(name); t != tables_.end())
    previous = t->second->pos;
  else if (auto v = views_.find(name); v != views_.end())
    previous = v->second.pos;
  else
    return Status::Ok();
  return PlanErrorAt(
      file_, pos,
      fmt::format("'{}' is already declared at {}:{}", name, previous.line, previous.column));
}

Status Catalog::AddTable(const CreateTableStmt& stmt, SourcePos pos) {
  if (stmt.if_not_exists && FindTable(stmt.name)) return Status::Ok();
  RETURN_IF_ERROR(CheckNewName(stmt.name, pos));
  auto table = std::make_shared<CatalogTable>();
  table->name = stmt.name;
  table->pos = pos;
  RETURN_IF_ERROR(AddColumns(stmt, table.get()));
  if (stmt.watermark) RETURN_IF_ERROR(BindWatermark(*stmt.watermark, table.get()));
  Schema full = table->full_schema();
  for (const auto& key : stmt.primary_key) {
    if (!full.Find(key)) {
      return PlanErrorAt(
          file_, pos, fmt::format("PRIMARY KEY column '{}' is not a column of {}", key, stmt.name));
    }
  }
  table->primary_key = stmt.primary_key;
  RETURN_IF_ERROR(AddOptions(stmt, table.get()));
  tables_[stmt.name] = std::move(table);
  return Status::Ok();
}

Status Catalog::AddColumns(const CreateTableStmt& stmt, CatalogTable* table) const {
  Schema stored;
  for (const auto& def : stmt.columns) {
    if (def.kind != ColumnKind::kComputed) stored.Add({def.name, def.type});
  }
  Scope stored_scope = ScopeOf(stored, stmt.name);
  for (const auto& def : stmt.columns) {
    for (const auto& c : table->columns) {
      if (c.name == def.name) {
        return PlanErrorAt(file_, def.pos,
                           fmt::format("column '{}' is declared twice in {}", def.name, stmt.name));
      }
    }
    CatalogColumn column;
    column.name = def.name;
    column.kind = def.kind;
    column.type = def.type;
    column.metadata_key = def.metadata_key.empty() ? def.name : def.metadata_key;
    column.is_virtual = def.is_virtual;
    if (def.kind == ColumnKind::kComputed) {
      ASSIGN_OR_RETURN(column.computed,
                       binder_->Bind(*def.expr, stored_scope, "a computed column"));
      column.type = column.computed->type;
    }
    table->columns.push_back(std::move(column));
  }
  return Status::Ok();
}

Status Catalog::BindWatermark(const WatermarkDef& wm, CatalogTable* table) const {
  Schema full = table->full_schema();
  auto index = full.Find(wm.column);
  if (!index) {
    std::vector<std::string> names;
    for (const auto& f : full.fields()) names.push_back(f.name);
    return PlanErrorAt(file_, wm.pos,
                       fmt::format("WATERMARK FOR unknown column '{}'{}", wm.column,
                                   SuggestName(wm.column, names, "columns of " + table->name)));
  }
  const LogicalType& type = full.field(*index).type;
  if (!type.is_timestamp()) {
    return PlanErrorAt(file_, wm.pos,
                       fmt::format("WATERMARK FOR column '{}' must be TIMESTAMP(p) or "
                                   "TIMESTAMP_LTZ(p), not {}",
                                   wm.column, type.WithNullable(true).ToString()));
  }
  ASSIGN_OR_RETURN(BoundExprPtr expr,
                   binder_->Bind(*wm.expr, ScopeOf(full, table->name), "a WATERMARK expression"));
  if (!expr->type.is_timestamp()) {
    return PlanErrorAt(file_, wm.expr->pos,
                       fmt::format("the WATERMARK expression must return a TIMESTAMP, not {}",
                                   expr->type.WithNullable(true).ToString()));
  }
  table->watermark_column = *index;
  table->watermark_expr = expr;
  return Status::Ok();
}

Status Catalog::AddOptions(const CreateTableStmt& stmt, CatalogTable* table) const {
  for (const auto& option : stmt.options) {
    if (table->options.count(option.key)) {
      return PlanErrorAt(file_, option.pos,
                         fmt::format("option '{}' is set twice in {}", option.key, stmt.name));
    }
    auto value = SubstituteEnv(option.value);
    if (!value.ok()) {
      return PlanErrorAt(file_, option.pos,
                         fmt::format("option '{}': {}", option.key, value.status().message()));
    }
    table->options[option.key] = *value;
  }
  return Status::Ok();
}

Status Catalog::AddView(const CreateViewStmt& stmt, SourcePos pos) {
  RETURN_IF_ERROR(CheckNewName(stmt.name, pos));
  views_[stmt.name] = CatalogView{stmt.name, pos, stmt.query, stmt.columns};
  return Status::Ok();
}

CatalogTablePtr Catalog::FindTable(const std::string& name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second;
}

const CatalogView* Catalog::FindView(const std::string& name) const {
  auto it = views_.find(name);
  return it == views_.end() ? nullptr : &it->second;
}

Status Catalog::UnknownTable(const std::string& name, SourcePos pos) const {
  std::vector<std::string> names;
  for (const auto& [n, t] : tables_) names.push_back(n);
  for (const auto& [n, v] : views_) names.push_back(n);
  return PlanErrorAt(
      file_, pos,
      fmt::format("unknown table '{}'{}", name, SuggestName(name, names, "declared tables")));
}

}  // namespace sluice::sql
