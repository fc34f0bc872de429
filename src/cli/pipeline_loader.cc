#include "cli/pipeline_loader.h"

#include <fstream>
#include <sstream>

#include "connectors/builtin_connectors.h"
#include "sql/parser.h"
#include "sql/planner.h"

namespace sluice::cli {

Result<LoadedPipeline> LoadPipeline(const std::string& path,
                                    const std::map<std::string, std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read pipeline file '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  LoadedPipeline loaded;
  loaded.functions = std::make_unique<expr::FunctionRegistry>();
  loaded.connectors = std::make_unique<runtime::ConnectorRegistry>();
  connectors::RegisterBuiltinConnectors(loaded.connectors.get());
  ASSIGN_OR_RETURN(sql::Script script, sql::ParseScript(text.str(), path));
  ASSIGN_OR_RETURN(loaded.plan, sql::PlanScript(script, *loaded.functions, overrides));
  return loaded;
}

}  // namespace sluice::cli
