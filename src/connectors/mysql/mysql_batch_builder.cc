#include "connectors/mysql/mysql_batch_builder.h"

#include <fmt/format.h>

#include "connectors/formats/text_value_parser.h"

namespace sluice::connectors {

MySqlBatchBuilder::MySqlBatchBuilder(std::string table_name, SchemaPtr schema,
                                     std::vector<Field> fields, int64_t zone_offset_ms,
                                     runtime::BadRecordReporter* reporter)
    : table_name_(std::move(table_name)),
      schema_(std::move(schema)),
      fields_(std::move(fields)),
      zone_offset_ms_(zone_offset_ms),
      reporter_(reporter) {
  Finish();
}

void MySqlBatchBuilder::Append(RowKind kind, const TableBinding& binding,
                               const std::vector<std::optional<std::string>>& values,
                               int64_t op_ts_ms, const std::string& location) {
  for (size_t f = 0; f < fields_.size(); ++f) {
    Column* column = columns_[f].get();
    switch (fields_[f].kind) {
      case FieldKind::kDatabaseName:
        column->AppendString(binding.database);
        break;
      case FieldKind::kTableName:
        column->AppendString(binding.table);
        break;
      case FieldKind::kOpTs:
        column->AppendInt(op_ts_ms);
        break;
      case FieldKind::kColumn: {
        const int c = binding.columns[f];
        if (c < 0 || static_cast<size_t>(c) >= values.size()) {
          column->AppendNull();
        } else {
          AppendValue(f, values[static_cast<size_t>(c)], binding.instant[f], location);
        }
        break;
      }
    }
  }
  kinds_.push_back(kind);
  ++num_rows_;
}

void MySqlBatchBuilder::AppendValue(size_t field, const std::optional<std::string>& value,
                                    bool instant, const std::string& location) {
  Column* column = columns_[field].get();
  if (!value) return column->AppendNull();
  const TypeId type = column->type().id;
  if (type == TypeId::kBoolean && (*value == "0" || *value == "1")) {
    return column->AppendBool(*value == "1");
  }
  Status appended = AppendValueFromText(*value, fields_[field].name, column);
  if (!appended.ok()) {
    if (reporter_ != nullptr) reporter_->Report(table_name_, location, *value, appended.message());
    return column->AppendNull();
  }
  // MySQL TIMESTAMP text is UTC (the session's zone); DATETIME text is server-local wall time.
  if (type == TypeId::kTimestamp && instant) column->ints().back() += zone_offset_ms_;
  if (type == TypeId::kTimestampLtz && !instant) column->ints().back() -= zone_offset_ms_;
}

BatchPtr MySqlBatchBuilder::Finish() {
  auto batch = std::make_shared<Batch>();
  batch->schema = schema_;
  batch->num_rows = num_rows_;
  for (auto& c : columns_) batch->columns.push_back(std::move(c));
  batch->row_kinds = std::move(kinds_);
  columns_.clear();
  kinds_.clear();
  for (const auto& f : schema_->fields()) columns_.push_back(std::make_shared<Column>(f.type));
  num_rows_ = 0;
  return batch;
}

}  // namespace sluice::connectors
