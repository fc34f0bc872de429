#pragma once

#include <map>
#include <string>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/catalog_table.h"
#include "types/schema.h"

namespace sluice::sql {

/// The dead-letter table of a pipeline: `SET 'pipeline.dead-letter' = '<table>'` names a declared
/// sink table that receives every record a source could not decode or convert and every row a
/// sink refused non-retryably. Its physical columns are fixed (names, types and order):
///
///   source STRING, location STRING, error_class STRING, message STRING, raw STRING,
///   event_time TIMESTAMP(3)
///
/// Stateless; thread-safe.
class DeadLetterTable {
 public:
  static constexpr const char* kSetting = "pipeline.dead-letter";

  /// Returns the fixed schema above.
  static SchemaPtr Schema();

  /// Checks the table `settings` name under kSetting (nothing when unset): it must be declared in
  /// `tables`, and its sink columns must be the fixed schema. Errors are kPlanError with
  /// "<file>:<line>:<col>: ..." at the SET statement (unknown table) or the CREATE TABLE (a
  /// column that does not match, named with what was expected).
  static Status Check(const std::map<std::string, std::string>& settings,
                      const std::map<std::string, CatalogTablePtr>& tables, const Script& script);
};

}  // namespace sluice::sql
