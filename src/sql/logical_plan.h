#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sql/bound_expr.h"
#include "sql/catalog_table.h"
#include "sql/join_spec.h"
#include "sql/over_spec.h"
#include "types/schema.h"

namespace sluice::sql {

/// What a source scan produces: the decoder fills `decoded_schema` (only the stored columns the
/// plan needs: projection push-down), `outputs` computes the scan's output columns from it
/// (column references and computed columns), the watermark expression runs over the output, and
/// `filter` (pushed down, may be null) drops rows after the watermark has seen them.
struct ScanSpec {
  CatalogTablePtr table;
  std::vector<size_t> decoded_columns;  // indexes into table->stored_schema()
  SchemaPtr decoded_schema;
  std::vector<BoundExprPtr> outputs;     // over decoded_schema
  std::optional<size_t> rowtime_column;  // index in the output
  BoundExprPtr watermark_expr;           // over the output; null when the table has none
  BoundExprPtr filter;                   // over the output
};

enum class WindowKind { kTumble, kHop, kCumulate };

/// A window table-valued function's parameters. Window bounds follow Flink: a TUMBLE window
/// holding time t starts at t - ((t - offset) mod size); HOP windows start every `step_ms` and
/// last `size_ms`; CUMULATE windows start every `size_ms` and end every `step_ms` within it.
struct WindowSpec {
  WindowKind kind = WindowKind::kTumble;
  size_t time_column = 0;  // rowtime column of the input
  int64_t size_ms = 0;
  int64_t step_ms = 0;  // HOP slide, CUMULATE step; equals size_ms for TUMBLE
  int64_t offset_ms = 0;
  int64_t session_gap_ms = 0;  // > 0: a SESSION window with this gap (kind unused)
};

enum class PlanKind {
  kScan,             // scan
  kFilter,           // predicate over the input
  kProject,          // exprs over the input; schema names them
  kWindowAggregate,  // window, group_keys, aggregates
  kGroupAggregate,   // group_keys, aggregates; produces a changelog
  kUnion,            // UNION ALL of inputs with equal schemas
  kOverAggregate,    // over: OVER aggregation; input columns then one column per call
  kRank,             // rank: deduplication / Top-N (ROW_NUMBER filtered by rn <= N)
  kSink,             // writes the input to sink_table (null: print to stdout)
  kWindowTable,      // window: the window TVF's rows (input columns, window_start, window_end,
                     // window_time), one row per window a row belongs to
  kIntervalJoin,     // join: interval join of inputs[0] (left) and inputs[1] (right)
  kWindowJoin,       // join: window join of two kWindowTable inputs of the same window
  kUnnest,           // unnest: each input row once per element of an ARRAY (entry of a MAP);
                     // the input's columns, then the element (a ROW element: its fields; a
                     // MAP entry: key, value). No row for an empty or NULL collection.
};

struct PlanNode;
using PlanNodePtr = std::shared_ptr<const PlanNode>;

/// A node of the logical plan. The output of kWindowAggregate is, in order: the group keys,
/// window_start, window_end, window_time (a rowtime attribute), then the aggregates.
struct PlanNode {
  PlanKind kind = PlanKind::kScan;
  SchemaPtr schema;  // output
  std::vector<PlanNodePtr> inputs;
  std::optional<size_t> rowtime_column;  // output column that is an event-time attribute
  bool changelog = false;                // output carries updates and deletes

  ScanSpec scan;
  BoundExprPtr predicate;
  std::vector<BoundExprPtr> exprs;
  WindowSpec window;
  std::vector<BoundExprPtr> group_keys;
  std::vector<BoundAggregate> aggregates;
  OverSpec over;
  RankSpec rank;
  JoinSpec join;
  BoundExprPtr unnest;  // kUnnest: the ARRAY or MAP over the input
  CatalogTablePtr sink_table;
  std::string sink_name;  // the INSERT target, or "stdout" for a bare SELECT
  // kSink with 'sink.aggregation' = 'partial': per sink column how partial rows merge: "" for a
  // key (group key or window bound), "sum" (COUNT, SUM), "min" or "max". Empty otherwise.
  std::vector<std::string> partial_merge;
  // kSink writing a repartition topic ('pipeline.repartition'): by what key, where and why.
  std::string repartition;

  /// Returns an indented tree, one operator per line, for EXPLAIN.
  std::string ToString(int indent = 0) const;
};

/// Everything a pipeline file declares, planned: SET values, tables, and one sink tree per
/// INSERT INTO (or bare SELECT). Sources shared by several jobs appear once per job here; the
/// runtime shares their readers.
struct PipelinePlan {
  std::string file_name;
  std::map<std::string, std::string> settings;
  std::map<std::string, CatalogTablePtr> tables;
  std::vector<PlanNodePtr> jobs;
  bool explain_only = false;  // the file held EXPLAIN statements

  std::string ToString() const;
};

}  // namespace sluice::sql
