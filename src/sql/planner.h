#pragma once

#include <map>
#include <string>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/function_resolver.h"
#include "sql/logical_plan.h"

namespace sluice::sql {

/// Binds and plans a parsed pipeline file: SET values (with `setting_overrides` winning),
/// CREATE TABLE / CREATE VIEW into the catalog, and one optimized sink tree per INSERT INTO or
/// bare SELECT (EXPLAIN plans its statement and sets explain_only). Errors are kPlanError with
/// "<file>:<line>:<col>: <what>". Thread-safe (no shared state).
Result<PipelinePlan> PlanScript(const Script& script, const FunctionResolver& functions,
                                const std::map<std::string, std::string>& setting_overrides);

}  // namespace sluice::sql
