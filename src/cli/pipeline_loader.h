#pragma once

#include <map>
#include <memory>
#include <string>

#include "common/status.h"
#include "expr/function_registry.h"
#include "runtime/connector_registry.h"
#include "sql/logical_plan.h"

namespace sluice::cli {

/// A pipeline file read, parsed and planned, with the registries that built it.
struct LoadedPipeline {
  std::unique_ptr<expr::FunctionRegistry> functions;
  std::unique_ptr<runtime::ConnectorRegistry> connectors;
  sql::PipelinePlan plan;
};

/// Reads `path`, parses and plans it with `overrides` (from --set) taking precedence over its SET
/// statements. Errors carry file:line:col where they come from the file.
Result<LoadedPipeline> LoadPipeline(const std::string& path,
                                    const std::map<std::string, std::string>& overrides);

}  // namespace sluice::cli
