// libFuzzer target: a MySQL/MariaDB binlog TABLE_MAP event body and a rows event body through
// BinlogRowDecoder. Input layout: one byte choosing the rows event type (WRITE/UPDATE/DELETE,
// V1/V2), one byte giving the TABLE_MAP body's length, that body, then the rows event body. The
// table's schema follows the TABLE_MAP (one column per type; bit i of the table id makes column
// i UNSIGNED; ENUM/SET labels "a", "b", "c"). Checks that bad bytes give an error, never a
// crash or an endless loop, and that decoded changes have the table's width and their kinds.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/mysql/binlog_row_decoder.h"

namespace sluice::fuzz {
namespace {

using connectors::BinlogRowDecoder;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "invariant broken: %s\n", what.c_str());
  std::abort();
}

constexpr uint8_t kRowsEventTypes[] = {
    BinlogRowDecoder::kWriteRowsV1,  BinlogRowDecoder::kUpdateRowsV1,
    BinlogRowDecoder::kDeleteRowsV1, BinlogRowDecoder::kWriteRowsV2,
    BinlogRowDecoder::kUpdateRowsV2, BinlogRowDecoder::kDeleteRowsV2};

connectors::MySqlTableSchema SchemaOf(const BinlogRowDecoder::TableMap& map) {
  connectors::MySqlTableSchema schema;
  schema.database = map.database;
  schema.table = map.table;
  for (size_t i = 0; i < map.types.size(); ++i) {
    connectors::MySqlTableSchema::Column column;
    column.name = "c" + std::to_string(i);
    column.data_type = "int";
    column.is_unsigned = i < 48 && ((map.table_id >> i) & 1) != 0;
    column.labels = {"a", "b", "c"};
    schema.columns.push_back(std::move(column));
  }
  return schema;
}

void CheckChanges(uint8_t type, const std::vector<BinlogRowDecoder::Change>& changes,
                  size_t width) {
  const bool update =
      type == BinlogRowDecoder::kUpdateRowsV1 || type == BinlogRowDecoder::kUpdateRowsV2;
  const bool write =
      type == BinlogRowDecoder::kWriteRowsV1 || type == BinlogRowDecoder::kWriteRowsV2;
  if (update && changes.size() % 2 != 0) Fail("an update without its after image");
  for (size_t i = 0; i < changes.size(); ++i) {
    if (changes[i].values.size() != width) Fail("a change of another width than the table");
    const RowKind expected = update  ? (i % 2 == 0 ? RowKind::kUpdateBefore : RowKind::kUpdateAfter)
                             : write ? RowKind::kInsert
                                     : RowKind::kDelete;
    if (changes[i].kind != expected) Fail("a change of the wrong kind");
  }
}

}  // namespace
}  // namespace sluice::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  using connectors::BinlogRowDecoder;
  if (size < 2) return 0;
  const uint8_t type = fuzz::kRowsEventTypes[data[0] % std::size(fuzz::kRowsEventTypes)];
  const size_t map_size = std::min<size_t>(data[1], size - 2);
  std::string_view map_body(reinterpret_cast<const char*>(data) + 2, map_size);
  std::string_view rows_body(reinterpret_cast<const char*>(data) + 2 + map_size,
                             size - 2 - map_size);
  auto map = BinlogRowDecoder::ParseTableMap(map_body);
  if (!map.ok()) {
    if (map.status().code() != StatusCode::kDataError) fuzz::Fail(map.status().ToString());
    return 0;
  }
  if (map->metadata.size() != map->types.size()) fuzz::Fail("metadata not one per column");
  auto table_id = BinlogRowDecoder::RowsTableId(rows_body);
  if (table_id.ok() != (rows_body.size() >= 6)) fuzz::Fail("RowsTableId and the body's size");
  std::vector<BinlogRowDecoder::Change> changes;
  Status status =
      BinlogRowDecoder::DecodeRows(type, rows_body, *map, fuzz::SchemaOf(*map), &changes);
  if (!status.ok()) {
    if (status.code() != StatusCode::kDataError && status.code() != StatusCode::kInvalidArgument &&
        status.code() != StatusCode::kUnsupported) {
      fuzz::Fail("an unexpected error: " + status.ToString());
    }
    if (status.message().empty()) fuzz::Fail("an error without a message");
    return 0;
  }
  fuzz::CheckChanges(type, changes, map->types.size());
  return 0;
}
