#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/status.h"
#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"
#include "types/value.h"

namespace sluice::runtime {

/// Writes and reads Values (with their logical types) and rows of Values for the checkpoints of
/// the row-based event-time operators (OVER, rank, SESSION); a ROW, ARRAY or MAP value as its
/// type's SQL text and a one-row column. Stateless; thread-safe.
class ValueCodec {
 public:
  static void Put(const Value& value, StateEncoder* out);
  static Status Get(StateDecoder* in, Value* value);
  static void PutRow(const std::vector<Value>& row, StateEncoder* out);
  static Status GetRow(StateDecoder* in, std::vector<Value>* row);
  static void PutOptional(const std::optional<Value>& value, StateEncoder* out);
  static Status GetOptional(StateDecoder* in, std::optional<Value>* value);
  /// Reads a count written with PutI64 and checks it is not negative or absurd.
  static Status GetCount(StateDecoder* in, size_t* count);
};

}  // namespace sluice::runtime
