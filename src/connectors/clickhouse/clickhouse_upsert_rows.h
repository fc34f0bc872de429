#pragma once

#include <cstdint>

#include "types/batch.h"

namespace sluice::connectors {

/// Turns a changelog into the rows of an upsert table, ENGINE = ReplacingMergeTree(
/// _sluice_version) ORDER BY the PRIMARY KEY, with a `_sluice_deleted UInt8` column (ClickHouse
/// 18.16 has no is_deleted engine parameter): +I and +U rows are written with _sluice_deleted = 0,
/// -D rows (the deleted row's values, key included) with 1, and -U rows are dropped (the +U that
/// follows replaces them, as Flink's upsert sinks do). _sluice_version = base + epoch * 2^32 +
/// the row's position among the epoch's rows, so a later change of a key always wins; `base` is
/// the table's largest version at start-up, so a new run's rows win over an earlier run's.
/// Read the table with `SELECT ... FROM t FINAL WHERE _sluice_deleted = 0`.
///
/// Not thread-safe; one per sink.
class ClickHouseUpsertRows {
 public:
  static constexpr const char* kVersionColumn = "_sluice_version";
  static constexpr const char* kDeletedColumn = "_sluice_deleted";

  explicit ClickHouseUpsertRows(int64_t base = 0) : base_(base) {}

  /// Returns the rows of `input` to write in `epoch`: -U rows dropped, then a BIGINT version
  /// and a BOOLEAN deleted column appended after the input's columns.
  BatchPtr Convert(const Batch& input, int64_t epoch);

 private:
  int64_t base_;
  int64_t epoch_ = -1;
  int64_t position_ = 0;  // rows written in epoch_
};

}  // namespace sluice::connectors
