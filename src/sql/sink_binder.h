#pragma once

#include <string>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/catalog.h"
#include "sql/logical_plan.h"
#include "sql/query_binder.h"

namespace sluice::sql {

/// Plans the sink of a job: INSERT INTO a declared table (columns matched by position or by an
/// explicit column list, implicit casts where Flink allows them, changelog vs. append-only
/// sinks), or stdout for a bare SELECT. Holds references only; use from one thread.
class SinkBinder {
 public:
  SinkBinder(const std::string& file_name, const Catalog& catalog, QueryBinder* queries)
      : file_(file_name), catalog_(catalog), queries_(queries) {}

  /// Returns the kSink tree of `insert` (statement at `pos`).
  Result<PlanNodePtr> BindInsert(const InsertStmt& insert, SourcePos pos);
  /// Returns a kSink printing `query` to stdout.
  Result<PlanNodePtr> BindSelect(const Query& query);

  /// Returns true when sinks of `connector` accept only inserts (no updates or deletes).
  static bool IsAppendOnlyConnector(const std::string& connector);

 private:
  Result<PlanNodePtr> MatchColumns(const InsertStmt& insert, SourcePos pos,
                                   const CatalogTable& table, PlanNodePtr input);
  // Returns the sink node's partial_merge for 'sink.aggregation' = 'partial': `query` is the
  // INSERT's query, `input` the sink's input (query or MatchColumns' projection of it).
  Result<std::vector<std::string>> PartialMerge(SourcePos pos, const CatalogTable& table,
                                                const PlanNode& query, const PlanNode& input);

  const std::string& file_;
  const Catalog& catalog_;
  QueryBinder* queries_;
};

}  // namespace sluice::sql
