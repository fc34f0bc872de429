#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/nexmark/nexmark_generator.h"
#include "runtime/source_reader.h"

namespace sluice::connectors {

/// The 'nexmark' source: one table (person, auction or bid) of the Nexmark event stream, generated
/// in process by NexmarkGenerator (see NexmarkConfig for the options and the specification).
/// Declare the tables as the Nexmark benchmark for Flink names their columns, e.g.
///
///   CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING,
///     dateTime TIMESTAMP(3), extra STRING,
///     WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
///   ) WITH ('connector' = 'nexmark', 'table' = 'bid', 'events.num' = '1000000');
///
/// Any subset of the columns in any order. Tables with the same options share one event stream:
/// ids match across them (bids name auctions and people that exist or are about to). One split;
/// its position is the number of events of the stream consumed (of all three tables), so
/// 'events.num' bounds every table alike. Unpaced unless 'rate.limited' (then events are released
/// at 'first-event.rate' per second of wall-clock time from Open). Poll may run on a read-ahead
/// thread (SupportsReadAhead: splits fixed at Open).
class NexmarkSource : public runtime::SourceReader {
 public:
  /// Reads the options of table `table_name` with stored schema `table_schema`; generates the
  /// columns of `schema` (a projection of it). Errors name the column or option.
  static Result<std::unique_ptr<NexmarkSource>> Create(
      const std::map<std::string, std::string>& options, const std::string& table_name,
      SchemaPtr schema, const Schema& table_schema);

  Status Open() override;
  Result<std::optional<runtime::SourceBatch>> Poll(size_t max_rows) override;
  Result<runtime::SourceBatch> ReadUntil(SplitId split, const std::string& end_position) override;
  bool Finished() const override;
  size_t num_splits() const override { return 1; }
  std::string split_name(SplitId split) const override;
  bool SupportsReadAhead() const override { return true; }

  /// Returns the number of events of the stream consumed so far.
  int64_t events_consumed() const { return next_event_; }

 private:
  NexmarkSource(const NexmarkConfig& config, SchemaPtr schema, std::vector<int> fields);
  runtime::SourceBatch Generate(int64_t end_event, size_t max_rows);
  int64_t EndEvent() const;

  NexmarkGenerator generator_;
  SchemaPtr schema_;
  std::vector<int> fields_;  // per column of schema_: its index in NexmarkGenerator::Fields
  int64_t next_event_ = 0;
  std::chrono::steady_clock::time_point opened_;
};

}  // namespace sluice::connectors
