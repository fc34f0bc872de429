#pragma once

#include <array>
#include <memory>
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

/// Returns one batch of (k, ts, v) rows of KeyTimeValueSchema(), without row watermarks.
inline BatchPtr KeyTimeValueBatch(const std::vector<std::array<int64_t, 3>>& rows) {
  auto batch = std::make_shared<Batch>();
  batch->schema = KeyTimeValueSchema();
  std::vector<std::shared_ptr<Column>> cols;
  for (const Field& f : batch->schema->fields()) cols.push_back(std::make_shared<Column>(f.type));
  for (const auto& r : rows) {
    for (size_t c = 0; c < 3; ++c) cols[c]->AppendInt(r[c]);
  }
  batch->columns.assign(cols.begin(), cols.end());
  batch->num_rows = rows.size();
  return batch;
}

}  // namespace sluice::runtime
