#include "connectors/clickhouse/clickhouse_upsert_rows.h"

namespace sluice::connectors {

BatchPtr ClickHouseUpsertRows::Convert(const Batch& input, int64_t epoch) {
  if (epoch != epoch_) {
    epoch_ = epoch;
    position_ = 0;
  }
  std::vector<uint32_t> rows;
  rows.reserve(input.num_rows);
  for (size_t r = 0; r < input.num_rows; ++r) {
    if (input.row_kind(r) != RowKind::kUpdateBefore) rows.push_back(static_cast<uint32_t>(r));
  }
  BatchPtr kept = GatherRows(input, rows);
  auto out = std::make_shared<Batch>(*kept);
  auto schema = std::make_shared<Schema>(*input.schema);
  schema->Add({kVersionColumn, LogicalType::BigInt().WithNullable(false)});
  schema->Add({kDeletedColumn, LogicalType::Boolean().WithNullable(false)});
  out->schema = schema;
  auto version = std::make_shared<Column>(schema->field(schema->size() - 2).type);
  auto deleted = std::make_shared<Column>(schema->field(schema->size() - 1).type);
  for (uint32_t r : rows) {
    version->AppendInt(base_ + (epoch_ << 32) + position_++);
    deleted->AppendBool(input.row_kind(r) == RowKind::kDelete);
  }
  out->columns.push_back(std::move(version));
  out->columns.push_back(std::move(deleted));
  out->row_kinds.clear();
  return out;
}

}  // namespace sluice::connectors
