#pragma once

#include <map>
#include <optional>
#include <string>
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
///     Its watermark is job A's: each row carries, in a last column `$watermark`, the watermark
///     in force before job A consumed it (CURRENT_WATERMARK), so a row on time in job A is on
///     time in job B whatever order the topic's partitions interleave rows in.
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
  /// Returns `input` with a last column `$watermark`: CURRENT_WATERMARK(rowtime), job A's
  /// watermark in force before each row, which job B's scan takes as its watermark.
  static PlanNodePtr WithRowWatermark(const PlanNodePtr& input, size_t rowtime);
  /// Returns `path` (job first, aggregation last) rebuilt over `input` in place of the
  /// aggregation's input.
  static PlanNodePtr Rebuild(const std::vector<const PlanNode*>& path, size_t index,
                             const PlanNodePtr& input);
};

}  // namespace sluice::sql
