#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "runtime/bad_record_reporter.h"
#include "runtime/sink_writer.h"
#include "runtime/source_reader.h"
#include "sql/catalog_table.h"

namespace sluice::runtime {

/// What a source factory needs: the table, which stored columns to decode (projection
/// push-down), where bad records go, and the pipeline's settings.
struct SourceContext {
  sql::CatalogTablePtr table;
  SchemaPtr decoded_schema;             // the batches' schema
  std::vector<size_t> decoded_columns;  // indexes into table->stored_schema()
  BadRecordReporter* bad_records = nullptr;
  std::string pipeline_name;
  std::map<std::string, std::string> settings;
};

/// What a sink factory needs. `table` is null for the stdout sink of a bare SELECT.
struct SinkContext {
  sql::CatalogTablePtr table;
  SchemaPtr input_schema;
  bool changelog = false;
  std::string pipeline_name;
  std::string sink_name;
  /// The run identity of the pipeline's state (runtime/run_identity.h); "" for state from before
  /// run identities.
  std::string run_id;
  std::map<std::string, std::string> settings;
  /// 'sink.aggregation' = 'partial': per input column how partial rows merge ("" key, "sum",
  /// "min", "max"; sql::PlanNode::partial_merge). Empty otherwise.
  std::vector<std::string> partial_merge;
  /// Each batch the sink receives is one split's output of an epoch, a function of that split's
  /// input range and stored state whichever process computed it (partial aggregates, job B of a
  /// repartitioned pipeline): a sink that can should write it as one block identified by its
  /// bytes, not by this run, so that a block written again by another process is dropped.
  bool split_blocks = false;
  /// Where rows the sink cannot write non-retryably go, when `bad_records->routes_rejected_rows()`
  /// (a dead-letter table is set); else such an error stops the pipeline. May be null.
  BadRecordReporter* bad_records = nullptr;

  /// Returns the namespace of this sink's epoch numbers, for write identities:
  /// "<pipeline>@<run id>" ("<pipeline>" without a run id).
  std::string epoch_scope() const;
};

using SourceFactory =
    std::function<Result<std::unique_ptr<SourceReader>>(const SourceContext& context)>;
using SinkFactory = std::function<Result<std::unique_ptr<SinkWriter>>(const SinkContext& context)>;

/// Maps 'connector' option values to source and sink factories. Filled once at start-up (see
/// connectors/builtin_connectors.h), then read-only.
class ConnectorRegistry {
 public:
  void RegisterSource(const std::string& connector, SourceFactory factory);
  void RegisterSink(const std::string& connector, SinkFactory factory);

  /// Creates a reader for `context.table` by its 'connector' option; an unknown or missing
  /// connector is a kInvalidArgument listing the known ones.
  Result<std::unique_ptr<SourceReader>> CreateSource(const SourceContext& context) const;
  Result<std::unique_ptr<SinkWriter>> CreateSink(const SinkContext& context) const;

  bool HasSource(const std::string& connector) const { return sources_.count(connector) > 0; }
  bool HasSink(const std::string& connector) const { return sinks_.count(connector) > 0; }

 private:
  std::map<std::string, SourceFactory> sources_;
  std::map<std::string, SinkFactory> sinks_;
};

}  // namespace sluice::runtime
