#include "expr/scalar_type_resolver.h"

namespace sluice::expr {

Result<LogicalType> ScalarTypeResolver::Resolve(const std::string& name,
                                                const std::vector<LogicalType>& args) {
  (void)args;
  return Status::PlanError("unknown function " + name);
}

bool ScalarTypeResolver::CanCast(const LogicalType& from, const LogicalType& to) {
  (void)from;
  (void)to;
  return true;
}

}  // namespace sluice::expr
