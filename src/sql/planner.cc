#include "sql/planner.h"

#include <fmt/format.h>

#include "common/duration.h"
#include "common/env_substitution.h"
#include "sql/catalog.h"
#include "sql/dead_letter_table.h"
#include "sql/expression_binder.h"
#include "sql/plan_error.h"
#include "sql/plan_optimizer.h"
#include "sql/query_binder.h"
#include "sql/repartition_rewriter.h"
#include "sql/sink_binder.h"

namespace sluice::sql {
namespace {

/// Plans one script's statements in order. Lives for one PlanScript call.
class ScriptPlanner {
 public:
  ScriptPlanner(const Script& script, const FunctionResolver& functions,
                const std::map<std::string, std::string>& setting_overrides)
      : script_(script),
        overrides_(setting_overrides),
        binder_(script.file_name, functions),
        catalog_(script.file_name, &binder_),
        queries_(script.file_name, catalog_, &binder_),
        sinks_(script.file_name, catalog_, &queries_) {}

  Status Plan(PipelinePlan* plan) {
    ASSIGN_OR_RETURN(int64_t lateness, AllowedLatenessMillis());
    queries_.set_allowed_lateness_ms(lateness);
    for (const auto& stmt : script_.statements) RETURN_IF_ERROR(PlanStatement(stmt, plan));
    plan->tables = catalog_.tables();
    plan->tables.insert(internal_tables_.begin(), internal_tables_.end());
    return Status::Ok();
  }

 private:
  static constexpr const char* kAllowLateness = "table.exec.emit.allow-lateness";

  /// Returns the allowed lateness the pipeline runs with: the override, else the last SET of the
  /// file (a SET anywhere in the file applies to every job).
  Result<int64_t> AllowedLatenessMillis() const {
    const Statement* set = nullptr;
    for (const auto& stmt : script_.statements) {
      if (stmt.kind == StatementKind::kSet && stmt.set.key == kAllowLateness) set = &stmt;
    }
    auto override = overrides_.find(kAllowLateness);
    if (override == overrides_.end() && set == nullptr) return int64_t{0};
    const std::string& raw = override != overrides_.end() ? override->second : set->set.value;
    auto substituted = SubstituteEnv(raw);
    const std::string value = substituted.ok() ? *substituted : raw;
    auto ms = ParseDurationMillis(value);
    if (ms.ok()) return *ms;
    std::string what = fmt::format("'{}' = '{}': {}", kAllowLateness, value, ms.status().message());
    if (override != overrides_.end()) return Status::PlanError("--set " + what);
    return PlanErrorAt(script_.file_name, set->pos, "SET " + what);
  }

  Status PlanStatement(const Statement& stmt, PipelinePlan* plan) {
    switch (stmt.kind) {
      case StatementKind::kSet: {
        // Values may name the environment (`${SLUICE_TOKEN}`), as table options may.
        auto value = SubstituteEnv(stmt.set.value);
        if (!value.ok()) {
          return PlanErrorAt(script_.file_name, stmt.pos,
                             fmt::format("SET '{}': {}", stmt.set.key, value.status().message()));
        }
        plan->settings[stmt.set.key] = *value;
        return Status::Ok();
      }
      case StatementKind::kCreateTable:
        return catalog_.AddTable(stmt.create_table, stmt.pos);
      case StatementKind::kCreateView: {
        const CreateViewStmt& view = stmt.create_view;
        if (view.if_not_exists && catalog_.FindView(view.name)) return Status::Ok();
        RETURN_IF_ERROR(catalog_.CheckNewName(view.name, stmt.pos));
        RETURN_IF_ERROR(catalog_.AddView(view, stmt.pos));
        TableRef use;
        use.name = view.name;
        use.pos = stmt.pos;
        auto bound = queries_.BindTableRef(use);  // reports the view's errors here
        return bound.ok() ? Status::Ok() : bound.status();
      }
      case StatementKind::kInsert:
      case StatementKind::kSelect: {
        auto job = stmt.kind == StatementKind::kInsert ? sinks_.BindInsert(stmt.insert, stmt.pos)
                                                       : sinks_.BindSelect(*stmt.select);
        if (!job.ok()) return job.status();
        std::map<std::string, std::string> settings = plan->settings;
        for (const auto& [key, value] : overrides_) settings[key] = value;
        ASSIGN_OR_RETURN(auto jobs, RepartitionRewriter::Rewrite(script_.file_name, stmt.pos,
                                                                 PlanOptimizer::Optimize(*job),
                                                                 settings, &internal_tables_));
        plan->jobs.insert(plan->jobs.end(), jobs.begin(), jobs.end());
        return Status::Ok();
      }
      case StatementKind::kExplain: {
        const Statement* explained = stmt.explained.get();
        if (!explained || (explained->kind != StatementKind::kInsert &&
                           explained->kind != StatementKind::kSelect)) {
          return PlanErrorAt(script_.file_name, stmt.pos,
                             "EXPLAIN takes an INSERT INTO or a SELECT statement");
        }
        plan->explain_only = true;
        return PlanStatement(*explained, plan);
      }
    }
    return PlanErrorAt(script_.file_name, stmt.pos, "unsupported statement");
  }

  const Script& script_;
  const std::map<std::string, std::string>& overrides_;
  ExpressionBinder binder_;
  Catalog catalog_;
  QueryBinder queries_;
  SinkBinder sinks_;
  std::map<std::string, CatalogTablePtr> internal_tables_;  // repartition topics
};

}  // namespace

Result<PipelinePlan> PlanScript(const Script& script, const FunctionResolver& functions,
                                const std::map<std::string, std::string>& setting_overrides) {
  PipelinePlan plan;
  plan.file_name = script.file_name;
  ScriptPlanner planner(script, functions, setting_overrides);
  RETURN_IF_ERROR(planner.Plan(&plan));
  for (const auto& [key, value] : setting_overrides) plan.settings[key] = value;
  RETURN_IF_ERROR(DeadLetterTable::Check(plan.settings, plan.tables, script));
  return plan;
}

}  // namespace sluice::sql
