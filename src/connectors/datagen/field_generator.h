#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/connector_options.h"
#include "types/column.h"
#include "types/schema.h"

namespace sluice::connectors {

/// Generates the values of one datagen field from its 'fields.<name>.*' options. A value is a
/// pure function of (seed, field name, row index, row time): a counter-based hash, no RNG
/// state, so any row can be regenerated exactly and projecting columns away changes nothing.
/// Immutable after Create; thread-safe.
class FieldGenerator {
 public:
  enum class Kind { kRandom, kSequence, kValues };

  /// Reads the options of field `field`; kInvalidArgument for a bad or unsupported one.
  static Result<FieldGenerator> Create(const Field& field, const ConnectorOptions& options);

  /// Returns the number of distinct rows a sequence field allows (end - start + 1), if it is one.
  std::optional<int64_t> sequence_length() const;

  /// Appends the value of row `row` to `out`. `row_time` is the row's event time (epoch millis)
  /// for TIMESTAMP and DATE fields.
  void Append(uint64_t seed, int64_t row, int64_t row_time, Column* out) const;

  /// Returns a 64-bit hash of (seed, field, row, salt): the generator's source of randomness.
  static uint64_t Hash(uint64_t seed, uint64_t field, uint64_t row, uint64_t salt);

 private:
  FieldGenerator() = default;
  Status ReadRandomRange(const ConnectorOptions& options, const std::string& prefix);

  std::string name_;
  LogicalType type_;
  Kind kind_ = Kind::kRandom;
  uint64_t name_hash_ = 0;
  int64_t min_int_ = 0;  // random integers and DECIMAL (unscaled): [min_int_, max_int_]
  int64_t max_int_ = 0;
  double min_double_ = 0;
  double max_double_ = 0;
  int64_t length_ = 100;  // random STRING
  int64_t start_ = 0;     // sequence
  int64_t end_ = 0;
  int64_t max_past_ms_ = 0;         // TIMESTAMP, DATE: random lateness
  uint64_t null_threshold_ = 0;     // null-rate as a fraction of 2^64
  std::shared_ptr<Column> values_;  // kValues
};

}  // namespace sluice::connectors
