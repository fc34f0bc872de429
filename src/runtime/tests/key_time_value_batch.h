#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "types/batch.h"

namespace sluice::runtime {

/// Returns the schema of the row-based operator tests' input: k BIGINT, ts TIMESTAMP(3),
/// v BIGINT.
inline SchemaPtr KeyTimeValueSchema() {
  return std::make_shared<Schema>(std::vector<Field>{{"k", LogicalType::BigInt()},
                                                     {"ts", LogicalType::Timestamp(3)},
                                                     {"v", LogicalType::BigInt()}});
}

/// One input row of KeyTimeValueSchema(); k nullopt is NULL.
struct KeyTimeValue {
  std::optional<int64_t> k;
  int64_t ts;
  int64_t v;
};

/// Returns one batch of `rows` of KeyTimeValueSchema() with `row_watermarks` (empty: none).
inline BatchPtr KeyTimeValueBatch(const std::vector<KeyTimeValue>& rows,
                                  std::vector<int64_t> row_watermarks = {}) {
  auto batch = std::make_shared<Batch>();
  batch->schema = KeyTimeValueSchema();
  std::vector<std::shared_ptr<Column>> cols;
  for (const Field& f : batch->schema->fields()) cols.push_back(std::make_shared<Column>(f.type));
  for (const KeyTimeValue& r : rows) {
    if (r.k) {
      cols[0]->AppendInt(*r.k);
    } else {
      cols[0]->AppendNull();
    }
    cols[1]->AppendInt(r.ts);
    cols[2]->AppendInt(r.v);
  }
  batch->columns.assign(cols.begin(), cols.end());
  batch->num_rows = rows.size();
  batch->row_watermarks = std::move(row_watermarks);
  return batch;
}

}  // namespace sluice::runtime
