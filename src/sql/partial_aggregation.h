#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "sql/logical_plan.h"
#include "sql/source_pos.h"

namespace sluice::sql {

/// Plans `'sink.aggregation' = 'partial'`: several processes each aggregate their own input
/// partitions and write partial rows that ClickHouse merges (SummingMergeTree). Only a window
/// aggregation (TUMBLE, HOP, CUMULATE) whose output columns are its group keys, window bounds and
/// aggregates that merge by sum, min or max qualifies: COUNT (also COUNT(*) and FILTER), SUM, MIN,
/// MAX. Anything else is refused at its position in the file. Stateless; use from any thread.
class PartialAggregation {
 public:
  /// Returns, per output column of `query`, how partial rows merge: "" for a key (a group key or
  /// window_start / window_end / window_time), "sum", "min" or "max". Errors name `file`, the
  /// position of the offending aggregate (else `insert_pos`) and sink `sink`.
  static Result<std::vector<std::string>> MergeFunctions(const std::string& file,
                                                         SourcePos insert_pos,
                                                         const std::string& sink,
                                                         const PlanNode& query);

  /// Returns true when `table` asks for partial aggregation ('sink.aggregation' = 'partial').
  static bool Requested(const CatalogTable& table);

 private:
  static Result<std::string> MergeOf(const std::string& file, const std::string& sink,
                                     const BoundAggregate& aggregate);
};

}  // namespace sluice::sql
