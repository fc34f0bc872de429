#include "runtime/job.h"

#include <fmt/format.h>

#include "runtime/filter_project_operator.h"
#include "runtime/group_aggregate_operator.h"
#include "runtime/interval_join_operator.h"
#include "runtime/over_aggregate_operator.h"
#include "runtime/rank_operator.h"
#include "runtime/session_window_operator.h"
#include "runtime/union_operator.h"
#include "runtime/unnest_operator.h"
#include "runtime/window_aggregate_operator.h"
#include "runtime/window_join_operator.h"
#include "runtime/window_table_operator.h"

namespace sluice::runtime {
namespace {

/// Builds the operators below `node`, whose output goes to input `input` of `parent`.
class JobBuilder {
 public:
  JobBuilder(Job* job, const expr::FunctionRegistry& functions, const PipelineOptions& options,
             bool partial)
      : job_(job), functions_(functions), options_(options), partial_(partial) {}

  Status Build(const sql::PlanNodePtr& node, Operator* parent, size_t input, int depth) {
    if (node->kind == sql::PlanKind::kScan) {
      job_->scans.push_back({node, parent, input});
      Describe(depth, fmt::format("Source[{}]", node->scan.table->name));
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(std::unique_ptr<Operator> op, Create(*node));
    Operator* raw = op.get();
    raw->SetOutput(parent, input);
    job_->operators.push_back(std::move(op));
    Describe(depth, raw->Describe());
    std::vector<sql::PlanNodePtr> children = node->inputs;
    if (node->kind == sql::PlanKind::kProject && FilterProjectOperator::FusesInputFilter(*node)) {
      children = node->inputs[0]->inputs;  // the filter is fused into this operator
    }
    for (size_t i = 0; i < children.size(); ++i) {
      RETURN_IF_ERROR(Build(children[i], raw, i, depth + 1));
    }
    return Status::Ok();
  }

  void Describe(int depth, const std::string& line) {
    job_->description += std::string(depth * 2, ' ') + line + "\n";
  }

 private:
  Result<std::unique_ptr<Operator>> Create(const sql::PlanNode& node) {
    switch (node.kind) {
      case sql::PlanKind::kFilter:
      case sql::PlanKind::kProject: {
        ASSIGN_OR_RETURN(auto op, FilterProjectOperator::Create(node, functions_));
        return std::unique_ptr<Operator>(std::move(op));
      }
      case sql::PlanKind::kWindowAggregate: {
        if (RepartitionedWindowAggregateOperator::Applies(node)) {
          ASSIGN_OR_RETURN(auto op, RepartitionedWindowAggregateOperator::Create(
                                        node, functions_, options_.allowed_lateness_ms));
          job_->repartitioned = op.get();
          return std::unique_ptr<Operator>(std::move(op));
        }
        if (partial_) {
          ASSIGN_OR_RETURN(auto op, PartialWindowAggregateOperator::Create(node, functions_));
          job_->partial = op.get();
          return std::unique_ptr<Operator>(std::move(op));
        }
        if (node.window.session_gap_ms > 0) {
          ASSIGN_OR_RETURN(auto op, SessionWindowOperator::Create(node, functions_,
                                                                  options_.allowed_lateness_ms));
          return std::unique_ptr<Operator>(std::move(op));
        }
        ASSIGN_OR_RETURN(auto op, WindowAggregateOperator::Create(node, functions_,
                                                                  options_.allowed_lateness_ms));
        return std::unique_ptr<Operator>(std::move(op));
      }
      case sql::PlanKind::kGroupAggregate: {
        ASSIGN_OR_RETURN(auto op,
                         GroupAggregateOperator::Create(node, functions_, options_.state_ttl_ms));
        return std::unique_ptr<Operator>(std::move(op));
      }
      case sql::PlanKind::kUnion:
        return std::unique_ptr<Operator>(std::make_unique<UnionOperator>(node.inputs.size()));
      case sql::PlanKind::kOverAggregate: {
        ASSIGN_OR_RETURN(auto op, OverAggregateOperator::Create(node, options_.state_ttl_ms));
        return std::unique_ptr<Operator>(std::move(op));
      }
      case sql::PlanKind::kRank: {
        ASSIGN_OR_RETURN(auto op, RankOperator::Create(node, options_.state_ttl_ms));
        return std::unique_ptr<Operator>(std::move(op));
      }
      case sql::PlanKind::kWindowTable: {
        ASSIGN_OR_RETURN(auto op, WindowTableOperator::Create(node));
        return std::unique_ptr<Operator>(std::move(op));
      }
      case sql::PlanKind::kIntervalJoin: {
        ASSIGN_OR_RETURN(auto op, IntervalJoinOperator::Create(node));
        return std::unique_ptr<Operator>(std::move(op));
      }
      case sql::PlanKind::kWindowJoin: {
        ASSIGN_OR_RETURN(auto op, WindowJoinOperator::Create(node));
        return std::unique_ptr<Operator>(std::move(op));
      }
      case sql::PlanKind::kUnnest: {
        ASSIGN_OR_RETURN(auto op, UnnestOperator::Create(node, functions_));
        return std::unique_ptr<Operator>(std::move(op));
      }
      case sql::PlanKind::kScan:
      case sql::PlanKind::kSink:
        break;
    }
    return Status::Internal("plan node cannot be an inner operator");
  }

  Job* job_;
  const expr::FunctionRegistry& functions_;
  const PipelineOptions& options_;
  bool partial_;  // the sink takes partial aggregates
};

// Returns whether the plan under `node` holds job B's window aggregation of a repartitioned
// pipeline (fed by one chain of single-input nodes from the internal topic).
bool ReadsRepartitionTopic(const sql::PlanNode& node) {
  if (RepartitionedWindowAggregateOperator::Applies(node)) return true;
  return node.inputs.size() == 1 && ReadsRepartitionTopic(*node.inputs[0]);
}

}  // namespace

Result<Job> Job::Build(const sql::PlanNodePtr& sink_node, const ConnectorRegistry& connectors,
                       const expr::FunctionRegistry& functions, const PipelineOptions& options,
                       const std::map<std::string, std::string>& settings,
                       BadRecordReporter* bad_records) {
  if (sink_node->kind != sql::PlanKind::kSink) return Status::Internal("a job must end in a sink");
  Job job;
  job.name = sink_node->sink_name;
  SinkContext context;
  context.table = sink_node->sink_table;
  context.input_schema = sink_node->inputs[0]->schema;
  context.changelog = sink_node->inputs[0]->changelog;
  context.pipeline_name = options.name;
  context.sink_name = sink_node->sink_name;
  context.run_id = options.run_id;
  context.settings = settings;
  context.partial_merge = sink_node->partial_merge;
  context.split_blocks = !sink_node->partial_merge.empty() || ReadsRepartitionTopic(*sink_node);
  context.bad_records = bad_records;
  ASSIGN_OR_RETURN(auto writer, connectors.CreateSink(context));
  auto sink = std::make_unique<SinkOperator>(job.name, std::move(writer));
  job.sink = sink.get();
  job.description = fmt::format("Job[{}]\n  {}\n", job.name, sink->Describe());
  job.operators.push_back(std::move(sink));
  JobBuilder builder(&job, functions, options, !sink_node->partial_merge.empty());
  RETURN_IF_ERROR(builder.Build(sink_node->inputs[0], job.sink, 0, 2));
  return job;
}

}  // namespace sluice::runtime
