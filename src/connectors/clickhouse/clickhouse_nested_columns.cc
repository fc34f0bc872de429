#include "connectors/clickhouse/clickhouse_nested_columns.h"

#include <fmt/format.h>

#include "connectors/clickhouse/clickhouse_http_client.h"

namespace sluice::connectors {
namespace {

// The ARRAY of field `field` of every element of ARRAY<ROW> column `records`.
ColumnPtr FieldArrays(const Column& records, size_t field) {
  const Column& elements = records.child(0);
  const Column& values = elements.child(field);
  auto out = std::make_shared<Column>(LogicalType::Array(values.type()));
  Column& items = out->child(0);
  items.ShareArenasOf(values);
  for (size_t i = 0; i < records.size(); ++i) {
    if (records.IsNull(i)) {
      out->AppendNull();
      continue;
    }
    for (uint32_t e = records.offsets()[i]; e < records.offsets()[i + 1]; ++e) {
      if (elements.IsNull(e)) {
        items.AppendNull();
      } else {
        items.AppendFrom(values, e);
      }
    }
    out->EndNestedValue();
  }
  return out;
}

bool HasColumnsUnder(const ClickHouseTableSchema& table, const std::string& prefix) {
  for (const auto& c : table.columns()) {
    if (c.name.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

}  // namespace

Result<bool> ClickHouseNestedColumns::Add(size_t source, const std::string& name,
                                          const LogicalType& type,
                                          const ClickHouseTableSchema& table, size_t first_column,
                                          std::vector<RowBinaryEncoder::ColumnSpec>* specs,
                                          std::string* columns) {
  const bool records = type.id == TypeId::kArray && type.child(0).id == TypeId::kRow;
  if (!records || !HasColumnsUnder(table, name + ".")) return false;
  const LogicalType& row = type.child(0);
  std::vector<RowBinaryEncoder::ColumnSpec> added;
  for (size_t f = 0; f < row.num_children(); ++f) {
    // A Nested column's arrays are named after its fields; 18.16 splits an Array(Tuple(..))
    // column into arrays named by position.
    std::string column = name + "." + row.field_name(f);
    std::optional<size_t> target = table.Find(column);
    if (!target && table.Find(fmt::format("{}.{}", name, f + 1))) {
      column = fmt::format("{}.{}", name, f + 1);
      target = table.Find(column);
    }
    const bool is_array = target && table.columns()[*target].type_error.empty() &&
                          table.columns()[*target].type.kind == ClickHouseType::Kind::kArray;
    if (!is_array) {
      return Status::PlanError(fmt::format(
          "column '{}' ({}) is written to the Nested column '{}' of ClickHouse table {} as one "
          "array per field, but the table has no Array column '{}' (it has: {})",
          name, type.WithNullable(true).ToString(), name, table.qualified_name(), column,
          table.ToString()));
    }
    added.push_back({first_column + splits_.size() + added.size(), column,
                     LogicalType::Array(row.child(f)), table.columns()[*target].type});
  }
  for (size_t f = 0; f < added.size(); ++f) {
    splits_.push_back({source, f});
    if (!columns->empty()) *columns += ", ";
    *columns += ClickHouseHttpClient::QuoteIdentifier(added[f].name);
    specs->push_back(std::move(added[f]));
  }
  return true;
}

Batch ClickHouseNestedColumns::Expand(const Batch& batch) const {
  Batch out = batch;
  for (const Split& s : splits_)
    out.columns.push_back(FieldArrays(batch.column(s.source), s.field));
  return out;
}

}  // namespace sluice::connectors
