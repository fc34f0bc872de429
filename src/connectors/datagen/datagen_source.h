#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/datagen/event_scenario.h"
#include "connectors/datagen/field_generator.h"
#include "runtime/source_reader.h"

namespace sluice::runtime {
class BatchBuilder;
}

namespace sluice::connectors {

/// Generates rows, as Flink's 'datagen' connector: 'rows-per-second' (default 10000, 0 = as fast
/// as polled), 'number-of-rows' (bounded when set; a sequence field also bounds it), per-field
/// options (see FieldGenerator), 'seed' (default 42) and 'start-time'. One split whose position
/// is the number of rows generated. Row i is a pure function of (seed, i, row time): with
/// 'start-time' the row time is start-time + i * 1000 / rows-per-second ms (1 ms per row when
/// unpaced); without it, the wall-clock time of the Poll that generated it, which the position
/// carries ("<rows>@<millis>") so that ReadUntil regenerates the same batch exactly.
/// Poll returns nullopt while ahead of the rows-per-second schedule (never spins).
/// With 'scenario' = 'orders' | 'impressions-clicks' | 'ad-events' the columns come from that
/// EventScenario by name instead of per-field options; rows are generated in order from row 0, so
/// replay regenerates them exactly. Poll may run on a read-ahead thread (SupportsReadAhead: splits
/// fixed at Open).
class DatagenSource : public runtime::SourceReader {
 public:
  /// Reads the options of a table with stored schema `table_schema`; generates the fields of
  /// `schema` (a projection of it).
  static Result<std::unique_ptr<DatagenSource>> Create(
      const std::map<std::string, std::string>& options, SchemaPtr schema,
      const Schema& table_schema);

  Status Open() override;
  Result<std::optional<runtime::SourceBatch>> Poll(size_t max_rows) override;
  Result<runtime::SourceBatch> ReadUntil(SplitId split, const std::string& end_position) override;
  bool Finished() const override;
  size_t num_splits() const override { return 1; }
  std::string split_name(SplitId split) const override;
  bool SupportsReadAhead() const override { return true; }

  /// Returns the rows generated so far.
  int64_t rows_generated() const { return generated_; }

 private:
  DatagenSource() = default;
  runtime::SourceBatch Generate(int64_t end_row, std::optional<int64_t> wall_ms);
  void GenerateScenarioRows(int64_t end_row, std::optional<int64_t> wall_ms,
                            runtime::BatchBuilder* builder);
  Status CreateScenario(const std::string& name, const Schema& table_schema);
  int64_t RowTime(int64_t row, std::optional<int64_t> wall_ms) const;

  SchemaPtr schema_;
  std::vector<FieldGenerator> generators_;  // one per field of schema_ (no scenario)
  std::unique_ptr<EventScenario> scenario_;
  std::vector<int> scenario_fields_;  // one per field of schema_
  int64_t rows_per_second_ = 10000;
  std::optional<int64_t> limit_;
  uint64_t seed_ = 42;
  std::optional<int64_t> start_time_ms_;
  int64_t generated_ = 0;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace sluice::connectors
