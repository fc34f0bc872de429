#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "sql/logical_plan.h"
#include "sql/source_pos.h"

namespace sluice::sql {

/// Plans `SET 'pipeline.repartition' = 'auto'`: a job whose window aggregation groups by a key
/// that is not how its Kafka input is partitioned (the source table's 'key.fields') runs as two
/// jobs joined by an internal Kafka topic keyed by the group key:
///   - job A reads the source, applies the filters and projections below the aggregation and
///     writes the aggregation's input rows, exactly once (transactions), to the topic
///     `<pipeline.name>.<sink>.repartition` (created with the input topic's partition count or
///     `'pipeline.repartition.partitions'`);
///   - job B reads that topic (consumer group `<source group>.<sink>.repartition`,
///     read_committed) and runs the aggregation and everything above it into the user's sink.
///     Each row carries, in its last columns, `$watermark` (the input's WATERMARK expression on
///     the row: its event time minus the declared delay), `$partition` and `$offset` (where job A
///     read it); job B's window aggregation (runtime's RepartitionedWindowAggregateOperator)
///     deduplicates by input partition and offset and keeps a watermark per internal partition
///     and input partition, so its result does not depend on which process wrote a row.
/// Then every group key lives in one partition of the internal topic, so several processes of
/// one pipeline can each own some of its partitions. Stateless; use from any thread.
class RepartitionRewriter {
 public:
  /// Returns the jobs `job` runs as: `job` itself when repartitioning is off, not needed or not
  /// applicable, else job A then job B. The internal table (one Kafka table, written by job A and
  /// read by job B) is added to `tables`. Errors are kPlanError at `pos` in `file`.
  static Result<std::vector<PlanNodePtr>> Rewrite(
      const std::string& file, SourcePos pos, const PlanNodePtr& job,
      const std::map<std::string, std::string>& settings,
      std::map<std::string, CatalogTablePtr>* tables);

 private:
  /// Where the aggregation's input comes from: a column of the Kafka scan, by name.
  struct Traced {
    const PlanNode* scan = nullptr;
    size_t scan_column = 0;  // output column of the scan
  };

  static Result<bool> Enabled(const std::map<std::string, std::string>& settings);
  /// Returns the path from `job` down to its window aggregation (job first), or empty.
  static std::vector<const PlanNode*> PathToAggregate(const PlanNode& job);
  /// Returns where column `column` of `node` comes from, through filters and projections.
  static std::optional<Traced> Trace(const PlanNode& node, size_t column);
  /// Returns the stored column name of scan output `column`, or "" for a computed one.
  static std::string ScanColumnName(const PlanNode& scan, size_t column);
  /// Returns the source table's 'key.fields' (empty without a key).
  static std::vector<std::string> KeyFields(const CatalogTable& table);
  /// Returns why the aggregation needs repartitioning, or "" when its input is partitioned by
  /// a subset of the group keys.
  static std::string Reason(const PlanNode& aggregate, const PlanNode& scan,
                            const std::vector<std::string>& key_columns);
  static Result<CatalogTablePtr> InternalTable(const std::string& file, SourcePos pos,
                                               const PlanNode& aggregate, const PlanNode& scan,
                                               const std::string& sink_name,
                                               const std::map<std::string, std::string>& settings);
  /// Returns the columns `$partition` and `$offset` that say where job A read a row.
  static std::vector<std::pair<std::string, LogicalType>> OriginColumns();
  /// Returns `node` (the aggregation's input, down to the scan through filters and projections)
  /// with three last columns: `$watermark`, the input's WATERMARK expression on the row, and
  /// `$partition`, `$offset` (Kafka metadata of the scan's table).
  static Result<PlanNodePtr> WithOrigin(const PlanNodePtr& node);
  static PlanNodePtr WithOriginScan(const PlanNode& scan);
  /// Returns `path` (job first, aggregation last) rebuilt over `input` in place of the
  /// aggregation's input.
  static PlanNodePtr Rebuild(const std::vector<const PlanNode*>& path, size_t index,
                             const PlanNodePtr& input);
};

}  // namespace sluice::sql
