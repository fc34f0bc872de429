#pragma once

#include <memory>
#include <string>
#include <vector>

#include "expr/function_registry.h"
#include "runtime/connector_registry.h"
#include "runtime/operator.h"
#include "runtime/partial_window_aggregate_operator.h"
#include "runtime/pipeline_options.h"
#include "runtime/repartitioned_window_aggregate_operator.h"
#include "runtime/sink_operator.h"
#include "sql/logical_plan.h"

namespace sluice::runtime {

/// One INSERT INTO (or bare SELECT) turned into operators: the plan tree below its sink, built
/// bottom-up, each operator pushing into its parent. Scans are not built here: `scans` says which
/// operator input each scan feeds, and the Pipeline attaches source stages to them.
struct Job {
  struct ScanInput {
    sql::PlanNodePtr scan;
    Operator* consumer = nullptr;
    size_t input = 0;
  };

  std::string name;
  std::vector<std::unique_ptr<Operator>> operators;  // owns every operator, the sink included
  SinkOperator* sink = nullptr;
  std::vector<ScanInput> scans;
  /// The window aggregation of a job whose sink takes partial aggregates, else null.
  PartialWindowAggregateOperator* partial = nullptr;
  /// The window aggregation of job B of a repartitioned pipeline (it reads the internal topic),
  /// else null.
  RepartitionedWindowAggregateOperator* repartitioned = nullptr;

  /// Builds the job of plan node `sink_node` (a kSink); its sink reports rows it refuses to
  /// `bad_records` (see SinkContext).
  static Result<Job> Build(const sql::PlanNodePtr& sink_node, const ConnectorRegistry& connectors,
                           const expr::FunctionRegistry& functions, const PipelineOptions& options,
                           const std::map<std::string, std::string>& settings,
                           BadRecordReporter* bad_records = nullptr);

  /// Returns the operator tree, one operator per line, for EXPLAIN.
  std::string Describe() const { return description; }
  std::string description;
};

}  // namespace sluice::runtime
